import FableCore
import FableEngine
import FableStore
import FableStorePostgres
import FableStub
import Foundation
import Synchronization

/// What a step costs apart from the model, on a world of some size: each phase of the
/// engine's step timed on its own, through the engine's own functions — the position, the
/// context with BM25 and with fused retrieval, the prompt, the streamed reply's decoder and
/// gate, reading and checking the reply, the commit with its fsync, the step's vectors (made
/// after the step is shown, so timed apart from what the reader waits for) — then
/// the whole engine against an instant in-process model.
///
/// Every sample is a child of the same head (the world's head is moved back after each
/// commit, untimed), so the branch that is searched keeps its size; the samples become
/// branches that the head's branch never sees.
public struct StepBench: Sendable {
    /// Timed steps per size.
    public var samples: Int
    /// Untimed steps per size before the timed ones.
    public var warmup: Int
    /// Dimensions of the step vectors.
    public var dimensions: Int
    /// A story's premise (with its lore) the prompt is also built from, as a server world's is.
    public var storyPremise: Premise?
    /// Also time the whole engine, end to end.
    public var engine: Bool

    public init(samples: Int = 200, warmup: Int = 10, dimensions: Int = 384, storyPremise: Premise? = nil,
                engine: Bool = true) {
        self.samples = samples
        self.warmup = warmup
        self.dimensions = dimensions
        self.storyPremise = storyPremise
        self.engine = engine
    }

    var model: String { "bench-stub-\(dimensions)" }

    /// The store the samples run on: SQLite files, or databases on a PostgreSQL server (made
    /// for the run and dropped after).
    public enum Target: Sendable {
        case sqlite
        case postgres(PostgresLocation)
    }

    /// Measures a world of `size` steps kept in the database at `path` (written by the first
    /// run, reused by later ones). The samples run on copies beside it, removed at the end.
    /// `report` gets progress lines.
    public func run(size: Int, path: String, on target: Target = .sqlite, report: (String) -> Void) async throws -> Result {
        if case .postgres(let server) = target {
            return try await runOnPostgres(size: size, path: path, server: server, report: report)
        }
        let world = try await StepBenchWorld.prepare(size: size, path: path, model: model, dimensions: dimensions,
                                                     report: report)
        // The samples are timed on a copy, so the kept world stays as it was: every run
        // searches the same database. The same commit without its fsync (`--durability
        // every-second`) is timed on a copy of its own, so each store's background work
        // (checkpoints, index merges) is its own.
        let workPath = path + ".work"
        let relaxedPath = path + ".work-relaxed"
        defer {
            StepBenchWorld.removeDatabase(workPath)
            StepBenchWorld.removeDatabase(relaxedPath)
        }
        try await StepBenchWorld.copy(world.store, to: workPath)
        try await StepBenchWorld.copy(world.store, to: relaxedPath)
        let store = try SQLiteStore(path: workPath, durability: .everyCommit)
        let relaxedStore = try SQLiteStore(path: relaxedPath, durability: .within(.seconds(1)))
        if let storyPremise {
            report("story premise: \(storyPremise.title), \(storyPremise.lore.count) lore entries, "
                   + "\(storyPremise.lore.reduce(0) { $0 + $1.keys.count }) keys")
        }
        var result = try await sample(store: store, relaxedStore: relaxedStore, worldID: world.id, headID: world.head,
                                      size: size, emptyRead: { _ = try await store.journalMode() })
        if engine {
            // Dense first: each of its steps gets its vectors before the next begins, so its
            // backfill finds nothing to embed, as on a server where every step has its vectors.
            result.engineFused = try await wholeEngine(store: store, worldID: world.id, headID: world.head,
                                                       embedder: embedder)
            result.engineLexical = try await wholeEngine(store: store, worldID: world.id, headID: world.head, embedder: nil)
        }
        let fileSize = { (path: String) in (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }
        result.databaseBytes = fileSize(path) + fileSize(path + "-wal")
        return result
    }

    private var embedder: PrecomputedEmbedder {
        PrecomputedEmbedder(modelName: model, texts: StepBenchInputs.instructions, dimensions: dimensions)
    }

    /// The same on PostgreSQL: the kept SQLite world is copied (`StoreCopy`) into two new
    /// databases, one whose commits wait for the log flush and one whose do not.
    private func runOnPostgres(size: Int, path: String, server: PostgresLocation,
                               report: (String) -> Void) async throws -> Result {
        let world = try await StepBenchWorld.prepare(size: size, path: path, model: model, dimensions: dimensions,
                                                     report: report)
        let names = ["strict", "relaxed"].map { "fable_bench_\(size)_\($0)_" + String(UInt32.random(in: 0...UInt32.max)) }
        var stores: [PostgresStore] = []
        var copied: [(world: Int64, head: Int64)] = []
        do {
            for (index, name) in names.enumerated() {
                try await PostgresStore.createDatabase(name, at: server)
                let store = try await PostgresStore.open(server.with(database: name), waitForFlush: index == 0)
                stores.append(store)
                let started = ContinuousClock.now
                _ = try await StoreCopy.copy(from: world.store, to: store)
                guard let source = try await world.store.world(id: world.id),
                      let target = try await store.world(label: source.label), let head = target.headStepID else {
                    throw StepBenchError("the copied world is not on PostgreSQL")
                }
                copied.append((target.id, head))
                report("copied to PostgreSQL (\(name)) in \(ContinuousClock.now - started)")
            }
            let (store, relaxedStore) = (stores[0], stores[1])
            var result = try await sample(store: store, relaxedStore: relaxedStore, worldID: copied[0].world,
                                          headID: copied[0].head, size: size, emptyRead: { _ = try await store.setting("server_version") })
            if engine {
                result.engineFused = try await wholeEngine(store: store, worldID: copied[0].world, headID: copied[0].head,
                                                           embedder: embedder)
                result.engineLexical = try await wholeEngine(store: store, worldID: copied[0].world, headID: copied[0].head,
                                                             embedder: nil)
            }
            result.databaseBytes = try await store.databaseBytes()
            for store in stores { await store.close() }
            for name in names { try await PostgresStore.dropDatabase(name, at: server) }
            return result
        } catch {
            for store in stores { await store.close() }
            for name in names { try? await PostgresStore.dropDatabase(name, at: server) }
            throw error
        }
    }

    /// The timed samples, phase by phase. `emptyRead`: the store's cheapest round trip.
    private func sample(store: any StoryStore, relaxedStore: any StoryStore, worldID: Int64, headID: Int64,
                        size: Int, emptyRead: () async throws -> Void) async throws -> Result {
        // The phases timed here never call the model.
        let lexical = Storyteller(store: store, model: ScriptedChatModel { _, _ in "" })
        let relaxed = Storyteller(store: relaxedStore, model: ScriptedChatModel { _, _ in "" })
        let dense = Storyteller(store: store, model: ScriptedChatModel { _, _ in "" }, embedder: embedder)
        let settings = lexical.settings
        let validator = ReplyValidator(settings: settings)
        var parts: [Part: Timing] = [:]
        var totalLexical = Timing()
        var totalLexicalEverySecond = Samples()
        var totalFused = Timing()
        var totalFusedIndexed = Timing()
        for index in 0..<(warmup + samples) {
            let instruction = Instruction.custom(StepBenchInputs.instructions[index % StepBenchInputs.instructions.count])
            var times: [Part: Stopwatch.Lap] = [:]

            var clock = Stopwatch()
            let position = try await store.position(worldID: worldID)
            let parent = try lexical.parent(at: position)
            times[.position] = clock.lap()
            guard parent.step.id == headID, parent.searchStart != nil else {
                throw StepBenchError("the world's head moved or has nothing above it")
            }

            clock = Stopwatch()
            let context = try await lexical.context(world: position.world, parent: parent, instruction: instruction)
            times[.bm25] = clock.lap()

            clock = Stopwatch()
            _ = try await dense.context(world: position.world, parent: parent, instruction: instruction)
            times[.fused] = clock.lap()
            guard case .on = dense.retriever.denseStatus else {
                throw StepBenchError("the fused ranking did not run: \(dense.retriever.denseStatus)")
            }

            clock = Stopwatch()
            let prompt = lexical.prompt(for: context)
            let schema = ReplySchema.json(opening: false, mode: position.world.premise.mode, settings: settings)
            times[.prompt] = clock.lap()
            if let storyPremise {
                var storyContext = context
                storyContext.premise = storyPremise
                clock = Stopwatch()
                let storyPrompt = lexical.prompt(for: storyContext)
                times[.promptLore] = clock.lap()
                guard storyPrompt.characters > 0 else { throw StepBenchError("empty prompt") }
            }

            let pieces = Self.pieces(of: StubStoryteller.reply(number: 100_000 + index, opening: false), size: 4)
            let shown = ShownCount()
            clock = Stopwatch()
            let streamed = StreamedReply(emit: { event in
                if case .passage(let text) = event { shown.add(text.utf8.count) }
            })
            for piece in pieces { streamed.add(piece) }
            let text = streamed.text
            times[.decode] = clock.lap()
            guard streamed.problem == nil, shown.value > 0, !schema.isEmpty else {
                throw StepBenchError("the streamed reply showed no passage: \(streamed.problem ?? "nothing shown")")
            }

            clock = Stopwatch()
            let (reply, problems) = validator.check(text, opening: false)
            let checked = problems.isEmpty ? validator.content(of: reply, opening: false) : nil
            times[.validate] = clock.lap()
            guard var content = checked else { throw StepBenchError("the reply did not pass: \(problems)") }
            content.pins = context.pins

            let draft = StepDraft(worldID: worldID, parentID: headID, depth: parent.step.depth + 1,
                                  instruction: instruction.text(options: parent.step.content.options), content: content,
                                  telemetry: StepTelemetry(model: "bench", promptTokens: prompt.estimatedTokens,
                                                           completionTokens: TextMeasure.tokens(text),
                                                           promptCharacters: prompt.characters),
                                  trace: StepTrace(messages: prompt.messages, reply: text))

            clock = Stopwatch()
            _ = await dense.retriever.backfill(worldID: worldID, limit: Storyteller.backfillBatch)
            times[.backfill] = clock.lap()

            clock = Stopwatch()
            let step = try await lexical.commit(draft, expectedHead: headID)
            times[.commit] = clock.lap()

            clock = Stopwatch()
            let indexed = await dense.index(step)
            times[.index] = clock.lap()
            guard indexed else { throw StepBenchError("the step's vectors were not stored") }
            _ = try await store.moveHead(worldID: worldID, to: headID)

            clock = Stopwatch()
            _ = try await relaxed.commit(draft, expectedHead: headID)
            times[.commitEverySecond] = clock.lap()
            _ = try await relaxedStore.moveHead(worldID: worldID, to: headID)

            clock = Stopwatch()
            try await emptyRead()
            times[.emptyRead] = clock.lap()

            guard index >= warmup else { continue }
            for (part, lap) in times { parts[part, default: Timing()].add(lap) }
            // A server world always has a story's premise: its prompt is the one that counts.
            let shared = [times[.position]!, times[.promptLore] ?? times[.prompt]!, times[.decode]!, times[.validate]!]
            let lexicalParts = shared + [times[.bm25]!, times[.commit]!]
            let fusedParts = shared + [times[.fused]!, times[.commit]!]
            totalLexical.add(Self.sum(lexicalParts))
            totalLexicalEverySecond.add(Self.sum(shared + [times[.bm25]!, times[.commitEverySecond]!]).wall)
            totalFused.add(Self.sum(fusedParts))
            totalFusedIndexed.add(Self.sum(fusedParts + [times[.backfill]!, times[.index]!]))
        }
        let promptAt10 = try await promptAfter(depth: 10, storyteller: lexical, headID: headID)
        let promptAtLast = try await promptAfter(depth: size, storyteller: lexical, headID: headID)
        return Result(size: size, parts: parts, totalLexical: totalLexical, totalLexicalEverySecond: totalLexicalEverySecond,
                      totalFused: totalFused, totalFusedIndexed: totalFusedIndexed, promptAt10: promptAt10, promptAtLast: promptAtLast,
                      storyPremise: storyPremise != nil, databaseBytes: 0)
    }

    /// A reply cut as a model server streams it, `size` characters a piece.
    static func pieces(of text: String, size: Int) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            pieces.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return pieces
    }

    private static func sum(_ laps: [Stopwatch.Lap]) -> Stopwatch.Lap {
        Stopwatch.Lap(wall: laps.reduce(0) { $0 + $1.wall }, cpu: laps.reduce(0) { $0 + $1.cpu })
    }

    /// The whole engine (`Storyteller.advance`) against a model that answers at once, in process.
    private func wholeEngine(store: any StoryStore, worldID: Int64, headID: Int64,
                             embedder: (any Embedder)?) async throws -> Timing {
        let chat = ScriptedChatModel { _, number in StubStoryteller.reply(number: 200_000 + number, opening: false) }
        let storyteller = Storyteller(store: store, model: chat, embedder: embedder)
        var timing = Timing()
        for index in 0..<(warmup + samples) {
            let instruction = StepBenchInputs.instructions[index % StepBenchInputs.instructions.count]
            let clock = Stopwatch()
            var committed = false
            for try await event in storyteller.advance(worldID: worldID, instruction: .custom(instruction)) {
                if case .committed = event { committed = true }
            }
            let lap = clock.lap()
            guard committed else { throw StepBenchError("the engine did not commit a step") }
            // Untimed, as a reader's reading is: the step's vectors, made after it is shown.
            await storyteller.indexed(worldID: worldID)
            _ = try await store.moveHead(worldID: worldID, to: headID)
            if index >= warmup { timing.add(lap) }
        }
        return timing
    }

    /// The prompt of the step after the head's branch's step at `depth`, choosing its first option.
    private func promptAfter(depth: Int, storyteller: Storyteller, headID: Int64) async throws -> Prompt {
        let store = storyteller.store
        let path = try await store.path(to: headID)
        let step = path[depth - 1]
        guard let world = try await store.world(id: step.worldID) else { throw StepBenchError("no world") }
        let parent = StepParent(step: step, outline: path[0].content.outline ?? "",
                                searchStart: try await store.searchStart(below: step))
        let context = try await storyteller.context(world: world, parent: parent, instruction: .option(0))
        return storyteller.prompt(for: context)
    }
}

/// The passage's bytes shown so far, counted from the model transport's thread.
private final class ShownCount: Sendable {
    private let count = Mutex(0)
    func add(_ bytes: Int) { count.withLock { $0 += bytes } }
    var value: Int { count.withLock { $0 } }
}
