import FableCore
import FableEngine
import FableStore
import FableStub
import FableTestSupport
import Foundation
import Synchronization
import Testing

func temporaryDatabase() -> String {
    ScratchFolder.file("fable.sqlite", prefix: "fable-test")
}

let premise = Premise(storyID: "marsh", title: "The Marsh", genre: "fantasy", body: "A bell is lost in the marsh.")
let quickRetries = RetryPolicy(transientRetries: 2, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5))

/// Runs a step to its end, collecting what it reported.
func collect(_ events: AsyncThrowingStream<StepEvent, any Error>) async throws
    -> (passage: String, restarts: [String], step: Step, repairs: [[ReplyField]]) {
    var passage = ""
    var restarts: [String] = []
    var repairs: [[ReplyField]] = []
    for try await event in events {
        switch event {
        case .passage(let text): passage += text
        case .restarted(_, let reason): restarts.append(reason); passage = ""
        case .repairing(let fields): repairs.append(fields)
        case .committed(let step): return (passage, restarts, step, repairs)
        }
    }
    throw StepError.wrongState("no step")
}

func validReply(_ n: Int, opening: Bool = false) -> String {
    StubStoryteller.reply(number: n, opening: opening)
}

@Suite struct StorytellerTests {
    func setUp(_ script: @escaping ScriptedChatModel.Script) async throws -> (SQLiteStore, ScriptedChatModel, Storyteller, World) {
        let store = try SQLiteStore(path: temporaryDatabase())
        let model = ScriptedChatModel(script)
        let world = try await store.createWorld(label: "t", premise: premise)
        return (store, model, Storyteller(store: store, model: model, retryPolicy: quickRetries), world)
    }

    @Test func opensAndAdvancesStreamingThePassage() async throws {
        let (store, model, teller, world) = try await setUp { request, n in
            validReply(n, opening: request.schema.contains("outline"))
        }
        let opening = try await collect(teller.begin(worldID: world.id))
        #expect(opening.step.depth == 1 && opening.step.parentID == nil)
        #expect(opening.step.content.outline?.isEmpty == false)
        #expect(opening.passage == opening.step.content.passage)
        let next = try await collect(teller.advance(worldID: world.id, instruction: .option(1)))
        #expect(next.step.parentID == opening.step.id)
        #expect(next.step.instruction == opening.step.content.options[1])
        #expect(next.step.telemetry.attempts == 1)
        let firstPassage = try #require(next.step.telemetry.firstPassageMilliseconds)
        #expect(firstPassage <= next.step.telemetry.latencyMilliseconds)
        #expect(try await store.world(id: world.id)?.headStepID == next.step.id)
        let prompt = model.requests[1].messages.map(\.content).joined()
        #expect(prompt.contains(opening.step.content.passage))
        #expect(prompt.contains(opening.step.content.outline!))
        #expect(prompt.contains(opening.step.content.memory))
    }

    @Test func aGoodPassageIsKeptAndOnlyTheBrokenFieldsAreAskedForAgain() async throws {
        let (store, model, teller, world) = try await setUp { request, n in
            n == 1 ? #"{"passage":"The bell rings under the water.","memory_change":"","memory":"m","index_line":"i","options":["a","a","b"]}"#
                   : validReply(n, opening: true)
        }
        let result = try await collect(teller.begin(worldID: world.id))
        #expect(result.restarts.isEmpty)
        #expect(result.repairs == [[.outline, .memoryChange, .options]])
        #expect(result.step.content.passage == "The bell rings under the water.")
        #expect(result.passage == result.step.content.passage)
        #expect(result.step.content.memory == "m")
        #expect(result.step.content.options == PartialReply.read(validReply(2, opening: true)).options)
        #expect(result.step.telemetry.attempts == 2)
        // The follow-up: the prompt, then a note with the passage, naming only what failed.
        #expect(model.requests.count == 2)
        let repair = model.requests[1]
        #expect(repair.schemaName == ReplySchema.repairName)
        #expect(repair.schema == ReplySchema.json(fields: [.outline, .memoryChange, .options]))
        #expect(Array(repair.messages.prefix(2)) == model.requests[0].messages && repair.messages.count == 3)
        let note = try #require(repair.messages.last)
        #expect(note.role == .user && note.content.contains("The bell rings under the water."))
        #expect(note.content.contains("the options repeat") && note.content.contains("outline, memory_change and options"))
        // The trace keeps why: the first call's problem, and the repair that mended it.
        let calls = try #require(try await store.trace(stepID: result.step.id)?.calls)
        #expect(calls.map(\.purpose) == [ModelCall.Purpose.write, .repair])
        #expect(calls[0].problem?.contains("the options repeat") == true && calls[1].problem == nil)
        #expect(calls[1].fields == [ReplyField.outline, .memoryChange, .options])
        // `inspect` tells an admin the same.
        let report = try await teller.inspect(world: try #require(try await store.world(id: world.id))).text(width: 200)
        #expect(report.contains("call 1, write") && report.contains("not used whole (") && report.contains("the options repeat"))
        #expect(report.contains("call 2, repair of outline, memory_change, options"))
    }

    @Test func anUnusablePassageIsWrittenAgainWithACorrectiveNote() async throws {
        let echo = "You are the storyteller of a long interactive story. Each turn you write the next passage."
        let (_, model, teller, world) = try await setUp { request, n in
            n == 1 ? #"{"outline":"o","passage":"\#(echo)","memory_change":"c","memory":"m","index_line":"i","options":["a","b","c"]}"#
                   : validReply(n, opening: true)
        }
        let result = try await collect(teller.begin(worldID: world.id))
        // The gate held the echo back and stopped it: the reader saw none of it, and no notice.
        #expect(result.restarts.isEmpty && result.repairs.isEmpty)
        #expect(result.step.content.passage != echo && result.passage == result.step.content.passage)
        #expect(result.step.telemetry.attempts == 2)
        let note = try #require(model.requests[1].messages.last)
        #expect(note.content.contains("the passage repeats the instructions"))
        #expect(model.requests[0].messages.count == 2 && model.requests[1].schemaName == ReplySchema.name)
    }

    @Test func aPassageStoppedAfterTheReaderReadPartOfItKeepsTheSentencesRead() async throws {
        let read = "The bell rings under the black water. You kneel on the reed bridge and listen. "
            + "Far off, the keeper's daughter answers with a lantern. The marsh holds its breath."
        // The model turns to JSON after its good sentences. The scripted model streams a reply
        // in thirds: the tail's length puts the sentences, and not the brace, in the first.
        let turned = " And then the keeper said {\"json\": true} " + String(repeating: "noise and more ", count: 22)
        let first = #"{"outline":"A plan for the marsh.","passage":"\#(read)\#(turned)","memory_change":"c","memory":"m","index_line":"i","options":["a","b","c"]}"#
        let third = first.prefix(first.count / 3)
        try #require(third.contains(read) && !third.dropFirst().contains("{"))
        let (store, model, teller, world) = try await setUp { request, n in
            n == 1 ? first : validReply(n, opening: true)
        }
        let result = try await collect(teller.begin(worldID: world.id))
        #expect(result.restarts.isEmpty, "no rewrite the reader sees")
        #expect(result.step.content.passage == read)
        #expect(result.passage.hasPrefix(read) && !result.passage.contains("json"))
        #expect(result.repairs.count == 1 && !(result.repairs.first ?? []).contains(.passage))
        #expect(model.requests.count == 2 && model.requests[1].schemaName == ReplySchema.repairName)
        #expect(model.requests[1].messages.last?.content.contains(read) == true)
        let calls = try #require(try await store.trace(stepID: result.step.id)?.calls)
        #expect(calls.first?.problem?.contains("characters read were kept") == true)
    }

    /// Passages stopped unseen cost the reader nothing: more of them are tried than of the
    /// rewrites a reader sees, before a step fails.
    @Test func passagesStoppedUnseenHaveABudgetOfTheirOwn() async throws {
        let (_, model, teller, world) = try await setUp { request, n in
            n <= 5 ? #"{"outline":"o","passage":"[1] {json} and so on","memory_change":"c","memory":"m","index_line":"i","options":["a","b","c"]}"#
                   : validReply(n, opening: true)
        }
        let result = try await collect(teller.begin(worldID: world.id))
        #expect(result.restarts.isEmpty && model.requests.count == 6)
        #expect(result.passage == result.step.content.passage)
    }

    @Test func aPassageOpeningWithTheStorysTitleAsAHeadingIsWrittenAgainUnseen() async throws {
        let heading = "The Marsh: A Hero's Journey – The Last Narrative – the bell, the reeds and the keeper's daughter, all of them"
        let (_, model, teller, world) = try await setUp { request, n in
            n == 1 ? #"{"outline":"o","passage":"\#(heading)","memory_change":"c","memory":"m","index_line":"i","options":["a","b","c"]}"#
                   : validReply(n, opening: true)
        }
        let result = try await collect(teller.begin(worldID: world.id))
        #expect(result.restarts.isEmpty && !result.passage.contains("Hero's Journey"))
        #expect(model.requests.count == 2 && model.requests[1].messages.last?.content.contains("title as a heading") == true)
    }

    @Test func aTitleHeadingBeforeThePassageIsDroppedFromTheScreenAndTheStory() async throws {
        let (_, model, teller, world) = try await setUp { request, n in
            validReply(n, opening: true).replacingOccurrences(of: #""passage":""#, with: #""passage":"The Marsh - "#)
        }
        let result = try await collect(teller.begin(worldID: world.id))
        let prose = PartialReply.read(validReply(1, opening: true)).passage
        #expect(model.requests.count == 1 && result.restarts.isEmpty)
        #expect(result.passage == prose && result.step.content.passage == prose)
    }

    @Test func aStepFailsOnceItsUnseenStopsPassTheirBudget() async throws {
        let (store, model, teller, world) = try await setUp { _, _ in
            #"{"outline":"o","passage":"[1] {json} and so on","memory_change":"c","memory":"m","index_line":"i","options":["a","b","c"]}"#
        }
        await #expect(throws: StepError.self) { _ = try await collect(teller.begin(worldID: world.id)) }
        #expect(model.requests.count == 11, "the first reply and ten more stopped unseen")
        #expect(try await store.stepCount(worldID: world.id) == 0)
    }

    @Test func repairsThatKeepFailingEndInARewriteNotAFailure() async throws {
        let broken = #"{"outline":"A plan.","passage":"The bell rings.","memory_change":"c","memory":"m","index_line":"i","options":["a","a","a"]}"#
        let (_, model, teller, world) = try await setUp { request, n in
            n <= 5 ? broken : validReply(n, opening: true)
        }
        let result = try await collect(teller.begin(worldID: world.id))
        #expect(result.repairs.count == 1 && result.restarts.count == 1)
        #expect(model.requests.map(\.schemaName) == [ReplySchema.name] + Array(repeating: ReplySchema.repairName, count: 4)
            + [ReplySchema.name], "the write, its four repairs, then the rewrite")
        #expect(result.step.content.passage == PartialReply.read(validReply(6, opening: true)).passage)
    }

    /// A small model's repair often mends one option and breaks another: the good options of
    /// the write and of its repairs together make the three.
    @Test func goodOptionsFromTheWriteAndItsRepairsMakeTheThree() async throws {
        let write = #"{"outline":"A plan for the marsh.","passage":"The bell rings under the water.","memory_change":"c","memory":"m","index_line":"i","options":["Wade toward the bell.","options:","Follow the lantern."]}"#
        let repair = #"{"options":["index_line","Call out to the keeper's daughter.","wade toward the bell."]}"#
        let (store, model, teller, world) = try await setUp { request, n in
            n == 1 ? write : n == 2 ? repair : validReply(n, opening: true)
        }
        let result = try await collect(teller.begin(worldID: world.id))
        #expect(result.restarts.isEmpty && result.repairs == [[.options]])
        #expect(model.requests.count == 2, "one repair was enough")
        #expect(result.step.content.options == ["Wade toward the bell.", "Follow the lantern.", "Call out to the keeper's daughter."])
        let calls = try #require(try await store.trace(stepID: result.step.id)?.calls)
        #expect(calls.map(\.purpose) == [ModelCall.Purpose.write, .repair] && calls[1].problem == nil)
    }

    @Test func threeBadRepliesLeaveTheStoreAsItWas() async throws {
        let (store, model, teller, world) = try await setUp { _, _ in "not json at all" }
        await #expect(throws: StepError.invalidReply(.notJSON("the reply holds no JSON object"), attempts: 3)) {
            try await collect(teller.begin(worldID: world.id))
        }
        #expect(model.requests.count == 3)
        #expect(try await store.world(id: world.id)?.headStepID == nil)
        #expect(try await store.stepCount(worldID: world.id) == 0)
    }

    @Test func aReplyCutAtTheTokenLimitIsRetried() async throws {
        let calls = Counter()
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "t", premise: premise)
        let model = FaultyModel { n in
            calls.bump()
            return n == 1 ? .finished(reason: "length") : .reply(validReply(n, opening: true))
        }
        let result = try await collect(Storyteller(store: store, model: model, retryPolicy: quickRetries).begin(worldID: world.id))
        // Nothing of it was shown, so no notice; the trace says why it was written again.
        #expect(result.restarts.isEmpty)
        #expect(try await store.trace(stepID: result.step.id)?.calls.first?.problem?.contains("token limit") == true)
        #expect(calls.value == 2)
    }

    /// A passage that ran on to the token limit was read as it streamed: its whole sentences
    /// stay, and the other fields are asked for.
    @Test func aPassageCutAtTheTokenLimitKeepsTheSentencesRead() async throws {
        let read = "The bell rings under the black water. You kneel on the reed bridge and listen. "
            + "Far off, the keeper's daughter answers with a lantern. The marsh holds its breath."
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "t", premise: premise)
        let model = FaultyModel { n in
            n == 1 ? .cut(#"{"outline":"A plan for the marsh.","passage":"\#(read) And the reeds went on, and on, and on"#, reason: "length")
                : .reply(validReply(n, opening: true))
        }
        let result = try await collect(Storyteller(store: store, model: model, retryPolicy: quickRetries).begin(worldID: world.id))
        #expect(result.restarts.isEmpty, "no rewrite the reader sees")
        #expect(result.step.content.passage == read && result.passage.hasPrefix(read))
        #expect(result.repairs.count == 1 && model.calls.value == 2)
        let problem = try await store.trace(stepID: result.step.id)?.calls.first?.problem
        #expect(problem?.contains("token limit") == true && problem?.contains("characters read were kept") == true)
    }

    @Test func transientFailuresAreRetriedAndPermanentOnesAreNot() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "t", premise: premise)
        let flaky = FaultyModel { n in n < 3 ? .fail(.http(status: 500, body: "boom")) : .reply(validReply(n, opening: true)) }
        let step = try await collect(Storyteller(store: store, model: flaky, retryPolicy: quickRetries).begin(worldID: world.id)).step
        #expect(step.depth == 1)

        let other = try await store.createWorld(label: "u", premise: premise)
        let calls = Counter()
        let down = FaultyModel { _ in calls.bump(); return .fail(.unreachable(url: "http://127.0.0.1:9/v1")) }
        await #expect(throws: StepError.model(.unreachable(url: "http://127.0.0.1:9/v1"))) {
            try await collect(Storyteller(store: store, model: down, retryPolicy: quickRetries).begin(worldID: other.id))
        }
        #expect(calls.value == 1)
        #expect(try await store.stepCount(worldID: other.id) == 0)

        let third = try await store.createWorld(label: "v", premise: premise)
        let busy = FaultyModel { _ in .fail(.rateLimited(retryAfter: 0.001)) }
        await #expect(throws: StepError.model(.rateLimited(retryAfter: 0.001))) {
            try await collect(Storyteller(store: store, model: busy, retryPolicy: quickRetries).begin(worldID: third.id))
        }
        #expect(try await store.stepCount(worldID: third.id) == 0)
    }

    @Test func retryMakesASiblingAndKeepsTheOldVersion() async throws {
        let (store, _, teller, world) = try await setUp { request, n in
            validReply(n, opening: request.schema.contains("outline"))
        }
        let first = try await collect(teller.begin(worldID: world.id)).step
        let second = try await collect(teller.advance(worldID: world.id, instruction: .custom("Ring the bell"))).step
        let again = try await collect(teller.retry(worldID: world.id)).step
        #expect(again.parentID == first.id && again.instruction == "Ring the bell")
        #expect(again.id != second.id)
        #expect(try await store.step(id: second.id)?.content == second.content)
        #expect(try await store.world(id: world.id)?.headStepID == again.id)
        // Retrying the opening makes a new root with a new outline.
        _ = try await store.undo(worldID: world.id)
        let newOpening = try await collect(teller.retry(worldID: world.id)).step
        #expect(newOpening.parentID == nil && newOpening.content.outline != nil)
    }

    @Test func optionNumbersOutOfRangeAreRefused() async throws {
        let (store, _, teller, world) = try await setUp { request, n in validReply(n, opening: true) }
        _ = try await collect(teller.begin(worldID: world.id))
        await #expect(throws: StepError.wrongState("there is no option 4")) {
            try await collect(teller.advance(worldID: world.id, instruction: .option(3)))
        }
        #expect(try await store.stepCount(worldID: world.id) == 1)
    }

    /// SPEC §1: a fact from step 5 is recalled at step 900 when the instruction names it,
    /// a fact from an abandoned branch never is, and the prompt stays bounded.
    /// A tokenizer that makes half again as many tokens as the estimate: once the server has
    /// said so, prompts are built to a budget that fits its count. Without its count (a server
    /// that reports none), the same story's prompts go over.
    @Test func thePromptBudgetFollowsTheServersTokenCount() async throws {
        let budget = 1_200
        func prompts(reported: Bool) async throws -> [Int] {
            let store = try SQLiteStore(path: temporaryDatabase())
            let counts = Mutex<[Int]>([])
            let count: @Sendable (ChatRequest) -> Int = { request in
                let counted = request.messages.reduce(0) { $0 + TextMeasure.tokens($1.content) + 4 } * 3 / 2
                counts.withLock { $0.append(counted) }
                return counted
            }
            let model = ScriptedChatModel(promptTokens: reported ? count : nil) { request, n in
                if !reported { _ = count(request) }
                return StubStoryteller.reply(number: n, opening: request.schema.contains("\"outline\""), passageWords: 400)
            }
            let teller = Storyteller(store: store, model: model, settings: StorySettings(promptTokenBudget: budget))
            let world = try await store.createWorld(label: "t", premise: premise)
            _ = try await collect(teller.begin(worldID: world.id))
            for _ in 1...6 { _ = try await collect(teller.advance(worldID: world.id, instruction: .auto)) }
            return counts.withLock { $0 }
        }
        let learnt = try await prompts(reported: true)
        let unlearnt = try await prompts(reported: false)
        #expect(learnt.allSatisfy { $0 <= budget }, "\(learnt)")
        #expect(unlearnt.contains { $0 > budget }, "\(unlearnt)")
    }

    @Test func recallsAnEarlyFactAtStep900WithABoundedPrompt() async throws {
        let fact = "The brass astrolabe lies buried beneath the crooked willow."
        let store = try SQLiteStore(path: temporaryDatabase())
        let model = ScriptedChatModel(planted: [5: fact, 7: "A phantom lamplighter guards the drowned belfry."])
        let teller = Storyteller(store: store, model: model)
        let world = try await store.createWorld(label: "long", premise: premise)
        _ = try await collect(teller.begin(worldID: world.id))
        for depth in 2...899 {
            _ = try await collect(teller.advance(worldID: world.id, instruction: .auto))
            if depth == 7 {
                // Abandon step 7 (the lamplighter) and write it again.
                _ = try await collect(teller.retry(worldID: world.id))
            }
        }
        let step900 = try await collect(teller.advance(
            worldID: world.id, instruction: .custom("Dig for the brass astrolabe under the willow, and look for the phantom lamplighter"))).step
        #expect(step900.depth == 900)
        let prompt = try #require(model.requests.last).messages.map(\.content).joined(separator: "\n")
        #expect(prompt.contains(fact))
        #expect(!prompt.contains("phantom lamplighter guards"))
        let step10 = try #require(try await store.path(to: step900.id).first { $0.depth == 10 })
        let ratio = Double(step900.telemetry.promptCharacters) / Double(step10.telemetry.promptCharacters)
        print("prompt characters: step 10 = \(step10.telemetry.promptCharacters), step 900 = \(step900.telemetry.promptCharacters), ratio \(ratio)")
        #expect(ratio <= 1.2)
    }
}

/// Counts calls across tasks.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func bump() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// A model whose nth call is scripted to fail, end early, or reply.
struct FaultyModel: ChatModel {
    enum Outcome { case reply(String), fail(ModelError), finished(reason: String), cut(String, reason: String) }
    let modelName = "faulty"
    let calls = Counter()
    let script: @Sendable (Int) -> Outcome

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatEvent, any Error> {
        calls.bump()
        let outcome = script(calls.value)
        return AsyncThrowingStream { continuation in
            switch outcome {
            case .reply(let text):
                continuation.yield(.content(text))
                continuation.yield(.finished(reason: "stop", usage: nil))
                continuation.finish()
            case .fail(let error):
                continuation.finish(throwing: error)
            case .finished(let reason):
                continuation.yield(.content(#"{"passage":"cut"#))
                continuation.yield(.finished(reason: reason, usage: nil))
                continuation.finish()
            case .cut(let text, let reason):
                continuation.yield(.content(text))
                continuation.yield(.finished(reason: reason, usage: nil))
                continuation.finish()
            }
        }
    }
}
