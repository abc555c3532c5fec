import FableCore
import FableEngine
import FableStore
import FableStub
import FableTestSupport
import Foundation
import Synchronization
import Testing

func denseDatabase() -> String {
    ScratchFolder.file("fable.sqlite", prefix: "fable-dense")
}

let densePremise = Premise(storyID: "marsh", title: "The Marsh", genre: "fantasy", body: "A bell is lost in the marsh.")

/// Runs a step to its end and returns the committed step.
func runStep(_ events: AsyncThrowingStream<StepEvent, any Error>) async throws -> Step {
    for try await event in events {
        if case .committed(let step) = event { return step }
    }
    throw StepError.wrongState("no step")
}

/// An embedder that knows a few synonyms: words of one meaning share a dimension, so a
/// paraphrase lands near its fact although they share no word. Other words spread over
/// the remaining dimensions. It can be switched off to fail as an unreachable server does.
final class SynonymEmbedder: Embedder {
    let modelName = "synonyms"
    private let down = Mutex(false)
    private let calls = Mutex<[[String]]>([])

    static let meanings: [[String]] = [
        ["mara", "woman"], ["hid", "hide", "conceal", "concealed"], ["silver", "metal"], ["key", "opener"],
        ["lighthouse", "beacon"], ["stairs", "steps"],
    ]

    var isDown: Bool {
        get { down.withLock { $0 } }
        set { down.withLock { $0 = newValue } }
    }

    /// Every list of texts asked for, oldest first.
    var requests: [[String]] { calls.withLock { $0 } }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        calls.withLock { $0.append(texts) }
        if isDown { throw ModelError.unreachable(url: "http://127.0.0.1:9/v1") }
        return texts.map(Self.vector)
    }

    static func vector(_ text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: 64)
        for word in text.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init) {
            if let meaning = meanings.firstIndex(where: { $0.contains(word) }) {
                vector[meaning] += 1
            } else {
                // A stable hash (Swift's hashValue changes from run to run).
                let hash = word.unicodeScalars.reduce(UInt32(2_166_136_261)) { ($0 ^ $1.value) &* 16_777_619 }
                vector[meanings.count + Int(hash % UInt32(64 - meanings.count))] += 0.2
            }
        }
        return VectorMath.normalized(vector) ?? [1] + [Float](repeating: 0, count: 63)
    }
}

/// One branch of story steps with these passages, committed in order; returns its last step.
private func commitBranch(_ passages: [String], store: SQLiteStore, world: World) async throws -> Step? {
    var head: Step?
        for passage in passages {
            let draft = StepDraft(worldID: world.id, parentID: head?.id, depth: (head?.depth ?? 0) + 1, instruction: "",
                                  content: StepContent(outline: head == nil ? "o" : nil, passage: passage, memoryChange: "",
                                                       memory: "", indexLine: "A step.", options: ["a", "b", "c"]),
                                  telemetry: StepTelemetry())
            head = try await store.commit(draft, expectedHead: head?.id)
        }
    return head
}

@Suite struct DenseRetrievalTests {
    static let fact = "Mara hid the silver key beneath the lighthouse stairs."
    static let question = "Where did the woman conceal the metal opener?"

    /// Plays `steps` steps with the fact planted in step 5, then asks for it in other words;
    /// returns the last prompt and the store.
    func play(embedder: (any Embedder)?, steps: Int = 30) async throws -> (prompt: String, store: SQLiteStore, world: World) {
        let store = try SQLiteStore(path: denseDatabase())
        let model = ScriptedChatModel(planted: [5: Self.fact])
        let teller = Storyteller(store: store, model: model, embedder: embedder)
        let world = try await store.createWorld(label: "dense", premise: densePremise)
        _ = try await runStep(teller.begin(worldID: world.id))
        for _ in 2..<steps {
            _ = try await runStep(teller.advance(worldID: world.id, instruction: .auto))
        }
        let last = try await runStep(teller.advance(worldID: world.id, instruction: .custom(Self.question)))
        #expect(last.depth == steps)
        await teller.indexed(worldID: world.id)
        let prompt = try #require(model.requests.last).messages.map(\.content).joined(separator: "\n")
        return (prompt, store, world)
    }

    @Test func aParaphrasedFactReachesThePromptOnlyWithDenseRetrieval() async throws {
        let lexical = try await play(embedder: nil)
        #expect(!lexical.prompt.contains(Self.fact), "BM25 alone cannot find a fact asked for in other words")
        #expect(lexical.prompt.contains(Self.question))

        let embedder = SynonymEmbedder()
        let dense = try await play(embedder: embedder)
        #expect(dense.prompt.contains(Self.fact))
        // Every piece of every step has its vector, and the question was embedded once.
        let pieces = try await dense.store.pieceCount(worldID: dense.world.id)
        #expect(pieces > 30)
        #expect(try await dense.store.vectorCount(worldID: dense.world.id, model: "synonyms") == pieces)
        let queries = embedder.requests.filter { $0 == [Self.question] }
        #expect(queries.count == 1)
    }

    @Test func aFailedEmbeddingNeverFailsTheStepAndIsBackfilledLater() async throws {
        let store = try SQLiteStore(path: denseDatabase())
        let embedder = SynonymEmbedder()
        let model = ScriptedChatModel(planted: [2: Self.fact])
        let teller = Storyteller(store: store, model: model, embedder: embedder)
        let world = try await store.createWorld(label: "down", premise: densePremise)
        embedder.isDown = true
        _ = try await runStep(teller.begin(worldID: world.id))
        for _ in 2...4 {
            _ = try await runStep(teller.advance(worldID: world.id, instruction: .auto))
        }
        let asked = try await runStep(teller.advance(worldID: world.id, instruction: .custom("Ask about the lighthouse")))
        #expect(asked.depth == 5)
        await teller.indexed(worldID: world.id)
        #expect(try await store.stepCount(worldID: world.id) == 5)
        #expect(try await store.vectorCount(worldID: world.id, model: "synonyms") == 0)
        // The query could not be embedded either: BM25 alone still found the fact's step.
        let prompt = try #require(model.requests.last).messages.map(\.content).joined(separator: "\n")
        #expect(prompt.contains(Self.fact))

        // The endpoint is back: the next step stores its own vector and fills in the others.
        embedder.isDown = false
        let next = try await runStep(teller.advance(worldID: world.id, instruction: .auto))
        #expect(next.depth == 6)
        await teller.indexed(worldID: world.id)
        #expect(try await store.vectorCount(worldID: world.id, model: "synonyms")
                == (try await store.pieceCount(worldID: world.id)))
        #expect(try await store.stepsMissingVectors(worldID: world.id, model: "synonyms", limit: 10).isEmpty)
    }

    @Test func withoutAnEmbedderNoVectorIsWritten() async throws {
        let store = try SQLiteStore(path: denseDatabase())
        let teller = Storyteller(store: store, model: ScriptedChatModel())
        let world = try await store.createWorld(label: "plain", premise: densePremise)
        _ = try await runStep(teller.begin(worldID: world.id))
        _ = try await runStep(teller.advance(worldID: world.id, instruction: .auto))
        #expect(!teller.retriever.isDense)
        #expect(try await store.stepsMissingVectors(worldID: world.id, model: "synonyms", limit: 10).count == 2)
    }

    @Test func theRetrieverFusesBothRankingsAndFallsBackToBM25() async throws {
        let store = try SQLiteStore(path: denseDatabase())
        let world = try await store.createWorld(label: "fuse", premise: densePremise)
        let passages = ["The heron waits by the reeds.", Self.fact, "The ferryman sings of the heron.", "Rain on the marsh."]
        let head = try await commitBranch(passages, store: store, world: world)
        let embedder = SynonymEmbedder()
        let retriever = Retriever(store: store, embedder: embedder)
        #expect(retriever.isDense)
        #expect(await retriever.backfill(worldID: world.id, limit: 10) == 4)
        let headID = try #require(head?.id)
        // "heron" finds two steps by BM25; the paraphrase finds the fact by vector.
        let result = try await retriever.search(endingAt: headID, instruction: "The heron. " + Self.question, memory: "", limit: 3)
        #expect(result.fused && result.denseFailure == nil)
        #expect(result.passages.map(\.passage).contains(Self.fact))
        #expect(result.passages.map(\.passage).contains("The heron waits by the reeds."))
        #expect(zip(result.passages, result.passages.dropFirst()).allSatisfy { $0.score <= $1.score }, "best first")

        embedder.isDown = true
        let fallback = try await retriever.search(endingAt: headID, instruction: "The heron. " + Self.question, memory: "", limit: 3)
        #expect(!fallback.fused && fallback.denseFailure != nil)
        let lexical = try await Retriever(store: store).search(endingAt: headID, instruction: "The heron. " + Self.question,
                                                               memory: "", limit: 3)
        #expect(fallback.passages == lexical.passages)
        #expect(!lexical.passages.map(\.passage).contains(Self.fact))
    }

    @Test func eachOptionOfAnUnattendedStepBringsItsOwnFirstPassagesInBrief() async throws {
        let store = try SQLiteStore(path: denseDatabase())
        let world = try await store.createWorld(label: "briefs", premise: densePremise)
        let passages = ["The heron waits by the reeds.", "The heron fishes in the reeds at dawn.",
                        Self.fact + " The gulls cried all day over the bay.", "Rain on the marsh.", "The heron sleeps."]
        let head = try await commitBranch(passages, store: store, world: world)
        let retriever = Retriever(store: store, embedder: SynonymEmbedder())
        #expect(await retriever.backfill(worldID: world.id, limit: 10) == passages.count)
        let headID = try #require(head?.id)
        let options = ["Watch the heron in the reeds.", "Follow the heron to the reeds.", Self.question]
        // One place: the shared search gives it to one passage; each option adds its own first.
        let unattended = try await retriever.search(endingAt: headID, query: RetrievalQuery(focus: options, memory: ""), limit: 1)
        let asked = try await retriever.search(endingAt: headID, query: .text(Self.question), limit: 1)
        let fact = try #require(asked.passages.first)
        #expect(fact.passage.contains(Self.fact))
        #expect(unattended.passages.first?.isBrief == false)
        #expect(unattended.passages.count <= 1 + options.count)
        #expect(unattended.passages.dropFirst().allSatisfy { $0.isBrief })
        let found = try #require(unattended.passages.first { $0.stepID == fact.stepID })
        #expect(found.isBrief, "the heron options take the shared place")
        #expect(found.passage == Self.fact, "a brief holds the sentence that matched, not the whole passage")
        // A reader's own instruction is one text: nothing in brief.
        #expect(!asked.passages.contains { $0.isBrief })
        // The prompt shows a brief on one line with its index line.
        let prompt = PromptBuilder(settings: .default).build(StepContext(premise: densePremise, memory: "m", lastPassage: "p",
                                                                         retrieved: unattended.passages, options: options,
                                                                         instruction: .auto))
        #expect(prompt.messages.map(\.content).joined().contains("(step \(found.depth)) A step. \(Self.fact)"))
    }

    @Test func aTimedOutEndpointRestsWhileBM25Answers() async throws {
        final class SlowEmbedder: Embedder {
            let modelName = "slow"
            let calls = Mutex(0)
            func embed(_ texts: [String]) async throws -> [[Float]] {
                calls.withLock { $0 += 1 }
                throw ModelError.timedOut(seconds: 20)
            }
        }
        let store = try SQLiteStore(path: denseDatabase())
        let world = try await store.createWorld(label: "slow", premise: densePremise)
        let draft = StepDraft(worldID: world.id, parentID: nil, depth: 1, instruction: "",
                              content: StepContent(outline: "o", passage: "The heron waits.", memoryChange: "", memory: "",
                                                   indexLine: "A heron.", options: ["a", "b", "c"]),
                              telemetry: StepTelemetry())
        let step = try await store.commit(draft, expectedHead: nil)
        let embedder = SlowEmbedder()
        let resting = Retriever(store: store, embedder: embedder)
        let first = try await resting.search(endingAt: step.id, instruction: "the heron", memory: "", limit: 3)
        #expect(first.passages.map(\.stepID) == [step.id] && !first.fused)
        #expect(embedder.calls.withLock { $0 } == 1)
        let second = try await resting.search(endingAt: step.id, instruction: "the heron", memory: "", limit: 3)
        #expect(second.passages.map(\.stepID) == [step.id])
        #expect(second.denseFailure?.contains("timed out") == true)
        #expect(await resting.embedPieces(draft.content) == nil)
        #expect(await resting.backfill(worldID: world.id, limit: 5) == 0)
        #expect(embedder.calls.withLock { $0 } == 1, "no call while resting")

        let eager = Retriever(store: store, embedder: embedder, pauseAfterTimeout: .zero)
        _ = try await eager.search(endingAt: step.id, instruction: "the heron", memory: "", limit: 3)
        _ = try await eager.search(endingAt: step.id, instruction: "the heron", memory: "", limit: 3)
        #expect(embedder.calls.withLock { $0 } == 3)
    }

    @Test func aStepsOptionsAreEmbeddedAheadSoChoosingOneWaitsForNoEmbedding() async throws {
        let store = try SQLiteStore(path: denseDatabase())
        let model = ScriptedChatModel(planted: [2: Self.fact], options: [3: ["Wait for the tide.", Self.question, "Sing."]])
        let embedder = SynonymEmbedder()
        let teller = Storyteller(store: store, model: model, embedder: embedder)
        let world = try await store.createWorld(label: "ahead", premise: densePremise)
        _ = try await runStep(teller.begin(worldID: world.id))
        for _ in 2...3 {
            _ = try await runStep(teller.advance(worldID: world.id, instruction: .auto))
        }
        // The options of step 3 were embedded as one request once step 3 was shown.
        await teller.indexed(worldID: world.id)
        #expect(embedder.requests.contains(["Wait for the tide.", Self.question, "Sing."]))
        let before = embedder.requests.count
        _ = try await runStep(teller.advance(worldID: world.id, instruction: .option(1)))
        let during = embedder.requests[before...]
        #expect(!during.contains([Self.question]), "the chosen option's vector was ready")
        let prompt = try #require(model.requests.last).messages.map(\.content).joined(separator: "\n")
        #expect(prompt.contains(Self.fact))
    }

    @Test func aFactAskedForByAnOptionOfAnUnattendedStepReachesThePrompt() async throws {
        // The model chooses among its own options: the one that names the fact's thing in other
        // words finds it, by vector, though the instruction itself is empty.
        let store = try SQLiteStore(path: denseDatabase())
        let model = ScriptedChatModel(planted: [3: Self.fact], options: [8: ["Wait for the tide.", Self.question, "Sing."]])
        let teller = Storyteller(store: store, model: model, embedder: SynonymEmbedder())
        let world = try await store.createWorld(label: "auto", premise: densePremise)
        _ = try await runStep(teller.begin(worldID: world.id))
        for _ in 2...9 {
            _ = try await runStep(teller.advance(worldID: world.id, instruction: .auto))
        }
        let prompt = try #require(model.requests.last).messages.map(\.content).joined(separator: "\n")
        #expect(prompt.contains(Self.fact))
    }

    @Test func bm25sFirstKeepsAPlaceOnlyWhenItStandsOut() async throws {
        // Twenty passages of the heron, the vectors' best matches, and one of a rare name that
        // only BM25 finds.
        struct Table: Embedder {
            let modelName = "table"
            func embed(_ texts: [String]) async throws -> [[Float]] {
                texts.map { text in
                    var vector = [Float](repeating: 0, count: 8)
                    if text.contains("Zorvath") {
                        vector[1] = 1
                    } else if text.contains("heron"), let number = text.split(separator: " ").compactMap({ Int($0) }).first {
                        vector[0] = 1
                        vector[2] = Float(number) / 10      // the lower the number, the nearer the query
                    } else {
                        vector[3] = 1
                    }
                    return vector
                }
            }
            func embedQueries(_ texts: [String]) async throws -> [[Float]] {
                texts.map { _ in [1, 0, 0, 0, 0, 0, 0, 0] }
            }
        }
        let store = try SQLiteStore(path: denseDatabase())
        let world = try await store.createWorld(label: "stands-out", premise: densePremise)
        var head: Step?
        var heron: [Int: Int64] = [:]
        var rare: Int64 = 0
        for number in 1...21 {
            // Bed 20's passage names the heron twice: BM25's first for "heron", a little ahead of the rest.
            let passage = number == 21 ? "Zorvath sold the brass lantern at dawn."
                : number == 20 ? "The heron, the grey heron waits by reed bed 20 today." : "The heron waits by reed bed \(number) today."
            let draft = StepDraft(worldID: world.id, parentID: head?.id, depth: number, instruction: "",
                                  content: StepContent(outline: head == nil ? "o" : nil, passage: passage, memoryChange: "",
                                                       memory: "", indexLine: "A step.", options: ["a", "b", "c"]),
                                  telemetry: StepTelemetry())
            head = try await store.commit(draft, expectedHead: head?.id)
            if number == 21 { rare = head!.id } else { heron[number] = head!.id }
        }
        let retriever = Retriever(store: store, embedder: Table())
        #expect(await retriever.backfill(worldID: world.id, limit: 30) == 21)
        let headID = try #require(head?.id)
        // The rare name stands out of BM25's ranking: it keeps a place beside the dense two.
        let named = try await retriever.search(endingAt: headID, instruction: "Where is Zorvath, and the heron?", memory: "",
                                               limit: 3)
        #expect(named.fused)
        #expect(Set(named.passages.map(\.stepID)) == [rare, heron[1]!, heron[2]!])
        // Only the common word: BM25's first (bed 20) is a little ahead of many alike and does
        // not stand out; the three places go to meanings.
        let common = try await retriever.search(endingAt: headID, instruction: "Where is the heron?", memory: "", limit: 3)
        #expect(common.passages.map(\.stepID) == [heron[1]!, heron[2]!, heron[3]!])
    }
}
