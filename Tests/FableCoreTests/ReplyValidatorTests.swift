@testable import FableCore
import Testing

@Suite struct ReplyValidatorTests {
    let validator = ReplyValidator(settings: StorySettings(memoryWordCap: 10, outlineWordCap: 5))

    func reply(passage: String = "You wake.", memory: String = "You are in a cell.",
               options: [String] = ["Shout", "Wait", "Dig"], outline: String? = nil) -> StepReply {
        StepReply(outline: outline, passage: passage, memoryChange: "added the cell", memory: memory,
                  indexLine: "You wake in a cell.", options: options)
    }

    func problems(_ reply: StepReply, opening: Bool = false) -> String? {
        do {
            _ = try validator.validate(reply, opening: opening)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func acceptsAValidReplyAndTrimsIt() throws {
        let content = try validator.validate(reply(passage: "  You wake.\n", options: [" Shout", "Wait ", "Dig"]), opening: false)
        #expect(content.passage == "You wake.")
        #expect(content.options == ["Shout", "Wait", "Dig"])
        #expect(content.outline == nil)
    }

    @Test func rejectsAnEmptyPassage() {
        #expect(problems(reply(passage: "  \n ")) == "the passage is empty")
    }

    @Test func noiseIsUnusableInAnyFieldAndOnlyThatFieldIsNamed() {
        let noise = "a5,u4078269-13c7.tjvnpw4yYVNnCJ1EHWUiRFZLxKrqYBg+MZlzbG/sXoGdOEhk3Lm_55,S8D0u2QA9I6p74eT-jvw"
        #expect(problems(reply(passage: "You wake. " + noise)) == "the passage is not prose")
        #expect(problems(reply(options: ["Climb the stairs.", "jmfjzlkjdjhjs&", "Wait."]))
                == "the option jmfjzlkjdjhjs& is not a sentence; write each option as a full action")
        let checked = validator.check(#"{"passage":"You wake.","memory_change":"c","memory":"\#(noise)","index_line":"You wake.","options":["Shout","Wait","Dig"]}"#,
                                      opening: false)
        #expect(checked.problems.fields == [.memory])
    }

    @Test func rejectsMemoryOverItsCap() {
        let memory = Array(repeating: "word", count: 11).joined(separator: " ")
        #expect(problems(reply(memory: memory)) == "the memory has 11 words; keep it under 10")
        #expect(problems(reply(memory: Array(repeating: "word", count: 10).joined(separator: " "))) == nil)
    }

    @Test func countsChineseCharactersAsWords() {
        #expect(problems(reply(memory: "你在一间牢房里醒来了吗")) == "the memory has 11 words; keep it under 10")
    }

    @Test(arguments: [[String](), ["a", "b"], ["a", "b", "c", "d"]])
    func rejectsAnythingButThreeOptions(options: [String]) {
        #expect(problems(reply(options: options)) == "there are \(options.count) options; give exactly 3")
    }

    @Test func rejectsRepeatedOrEmptyOptions() {
        #expect(problems(reply(options: ["Shout", "shout ", "Dig"])) == "the options repeat; give 3 different ones")
        #expect(problems(reply(options: ["Shout", "", "Dig"])) == "an option is empty")
    }

    @Test func openingNeedsAnOutlineWithinItsCap() throws {
        #expect(problems(reply(), opening: true) == "the outline is missing")
        #expect(problems(reply(outline: "one two three four five six"), opening: true)
            == "the outline has 6 words; keep it under 5")
        #expect(try validator.validate(reply(outline: "A plan."), opening: true).outline == "A plan.")
    }

    @Test func reportsEveryProblemAtOnce() {
        #expect(problems(reply(passage: "", options: ["a"])) == "the passage is empty; there are 1 options; give exactly 3")
    }

    @Test func parsesAFencedReplyAndNamesAMissingField() throws {
        let parsed = try StepReply.parse("Here:\n```json\n{\"passage\":\"p\",\"memory_change\":\"c\",\"memory\":\"m\",\"index_line\":\"i\",\"options\":[\"a\",\"b\",\"c\"]}\n```")
        #expect(parsed.passage == "p")
        #expect(throws: ReplyProblem.notJSON("the field \"memory\" is missing")) {
            try StepReply.parse(#"{"passage":"p","memory_change":"c","index_line":"i","options":[]}"#)
        }
        #expect(throws: ReplyProblem.notJSON("the reply holds no JSON object")) { try StepReply.parse("no json") }
    }
}

@Suite struct OptionShapeTests {
    @Test(arguments: ["index_line:", "Options", "\"memory\"", "The lamp may or may not remain lit: a", "Wait:",
                      " 'passage': ", "Go on: x\u{3000}", "}{}.json{ default: 'Biscuit' }", "Run [1]"])
    func fieldNamesAndCutOptionsAreRefused(option: String) {
        #expect(ReplyValidator.isFieldNameOrCut(option))
    }

    @Test(arguments: ["Climb the stairs.", "Ask Ned: where is the boat?", "Read the log: page 12 first", "Run"])
    func ordinaryOptionsPass(option: String) {
        #expect(!ReplyValidator.isFieldNameOrCut(option))
    }
}

@Suite struct TrimmingTests {
    @Test(arguments: [("  a b  ", "a b"), ("\n\t x\u{3000}\u{A0}", "x"), ("   \n", ""), ("", ""), ("same", "same"),
                      ("\u{2003}é\u{301} ", "é\u{301}")])
    func whitespaceLeavesBothEndsOnly(text: String, trimmed: String) {
        #expect(text.trimmingWhitespace == trimmed)
    }
}
