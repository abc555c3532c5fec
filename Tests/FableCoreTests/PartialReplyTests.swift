@testable import FableCore
import Testing

@Suite struct PartialReplyTests {
    let whole = #"{"passage":"You wake, \"cold\".","memory_change":"c","memory":"m","index_line":"i","options":["a","b","c"]}"#

    @Test func readsAWholeReplyAndTheTextAroundIt() {
        let reply = PartialReply.read("Here it is:\n```json\n" + whole + "\n```")
        #expect(reply == PartialReply(passage: "You wake, \"cold\".", memoryChange: "c", memory: "m", indexLine: "i",
                                      options: ["a", "b", "c"]))
    }

    @Test func aReplyCutOffKeepsTheMembersItFinished() {
        // Cut inside the memory: the passage and the change are whole, the rest is not there.
        let cut = String(whole.prefix(upTo: whole.range(of: #""memory":"m"#)!.upperBound))
        let reply = PartialReply.read(cut)
        #expect(reply.passage == "You wake, \"cold\"." && reply.memoryChange == "c")
        #expect(!reply.has(.memory) && !reply.has(.indexLine) && !reply.has(.options))
        // Cut right after the passage's closing quote, before any comma.
        #expect(PartialReply.read(#"{"passage":"You wake, \"cold\"." "#).passage == "You wake, \"cold\".")
        // Cut inside the passage: nothing usable.
        #expect(PartialReply.read(#"{"passage":"You wa"#) == PartialReply())
        // Cut inside the options: the array is not taken half.
        let inOptions = String(whole.prefix(upTo: whole.range(of: #""b""#)!.upperBound))
        #expect(PartialReply.read(inOptions).options == nil && PartialReply.read(inOptions).indexLine == "i")
    }

    @Test func aFieldOfTheWrongTypeIsLeftOutAndTheRestKept() {
        let reply = PartialReply.read(#"{"passage":"p","memory":7,"options":["a",2,"c"],"index_line":"i","n":1.5}"#)
        #expect(reply.passage == "p" && reply.indexLine == "i")
        #expect(reply.memory == nil && reply.options == nil)
        #expect(PartialReply.read("no json here") == PartialReply())
    }

    @Test func replacingTakesOnlyTheFieldsNamed() {
        let kept = PartialReply(passage: "p", memory: "m", options: ["x"])
        let fixed = PartialReply(passage: "other", memory: "new", options: ["a", "b", "c"])
        #expect(kept.replacing([.options], from: fixed) == PartialReply(passage: "p", memory: "m", options: ["a", "b", "c"]))
    }
}

@Suite struct PromptEchoTests {
    @Test func aCopiedInstructionIsAnEchoEvenWithAWordChanged() {
        let echo = PromptEcho.fable
        #expect(echo.isEcho("You're the storyteller of a long interactive story. Each turn is about the bell."))
        #expect(echo.isEcho("The hero waits. Choose whichever of these moves makes the best story."))
        #expect(echo.isEcho("Memory:\n# Short-term memory\nThe bell is lost."))
        #expect(echo.isEcho("- memory: the new short-term memory: what the story needs to remember from here on"))
        #expect(echo.isEcho("I'm to choose which one makes the last sentence. Now reply with JSON."))
    }

    @Test func storyTextIsNotAnEcho() {
        let echo = PromptEcho.fable
        #expect(!echo.isEcho("You wake in a cell. The storyteller in the square tells a long story about the bell."))
        #expect(!echo.isEcho("Ring the bell before winter."))
        #expect(!echo.isEcho("The story so far: a bell, a marsh, a ferryman who will not speak."))
        // A story's own words in the role's placeholders never make a run.
        #expect(!echo.isEcho("Write every field carefully, the ferryman said, and keep your notes dry."))
    }

    @Test func theValidatorRefusesAnEchoInAnyField() {
        let validator = ReplyValidator(settings: .default)
        let echoed = "You are the storyteller of a long interactive story, and the bell rings."
        var reply = PartialReply(passage: "The bell rings.", memoryChange: "added the bell", memory: echoed,
                                 indexLine: "The bell rings.", options: ["Ring it again.", "Walk away.", "Listen."])
        #expect(validator.problems(in: reply, opening: false).fields == [.memory])
        reply.memory = "The bell rang once at dusk."
        reply.options = ["Ring it again.", "Reply with one JSON object and nothing else.", "Listen."]
        #expect(validator.problems(in: reply, opening: false).fields == [.options])
        reply.options = ["Ring it again.", "Walk away.", "Listen."]
        #expect(validator.problems(in: reply, opening: false).isEmpty)
    }
}
