import ArgumentParser
import FableBench
import FableCore
import FableEngine
import FableStore
import FableStories
import FableStub
import Foundation

/// What a step costs apart from the model: on worlds of several sizes, each part
/// of `Storyteller`'s step timed on its own — loading the world, BM25 and fused retrieval,
/// the prompt, decoding the streamed passage, validating the reply, the commit with its
/// fsync — then the whole engine against an instant in-process model.
///
/// Every sample is a child of the same head (the world's head is moved back after each
/// commit, untimed), so the branch that is searched keeps its size; the samples become
/// branches that the head's branch never sees.
struct BenchStepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "p50/p99 of everything a step costs except the model, on worlds of 100, 1,000 and 10,000 steps.",
        discussion: """
            The worlds are `fable bench recall`'s (filler passages, written through the store's own \
            commit), with a vector per step from a deterministic stub embedder (no model runs while \
            timing: the query vectors are made beforehand). With --db-dir the worlds are kept \
            (step-bench-N.sqlite) and reused by later runs. Put the databases on a real disk: \
            the commit's fsync is part of the figure.
            """)

    @Option(help: "World sizes in steps, comma-separated (each at least 100).")
    var sizes = "100,1000,10000"

    @Option(help: "Timed steps per size.")
    var samples = 200

    @Option(help: "Untimed steps per size before the timed ones.")
    var warmup = 10

    @Option(help: "Dimensions of the step vectors.")
    var dimensions = 384

    @Option(name: .customLong("db-dir"), help: "Keep the worlds in this folder and reuse them (default: a temporary folder, removed).")
    var dbDir: String?

    @Option(help: "A story file whose premise (with its lore) the prompt is also built from, as a server world's would be.")
    var story = "stories/lighthouse.md"

    @Flag(name: .customLong("no-engine"), help: "Skip the end-to-end engine rows (e.g. under a profiler).")
    var noEngine = false

    func validate() throws {
        guard !parsedSizes.isEmpty, parsedSizes.allSatisfy({ $0 >= 100 }) else {
            throw ValidationError("--sizes must be numbers of at least 100, e.g. 100,1000,10000")
        }
        guard samples >= 1, warmup >= 0, dimensions >= 8 else {
            throw ValidationError("--samples must be at least 1, --dimensions at least 8")
        }
    }

    private var parsedSizes: [Int] {
        sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    func run() async throws {
        let folder: URL
        let temporary = dbDir == nil
        if let dbDir {
            folder = URL(fileURLWithPath: dbDir)
        } else {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("fable-bench-step-\(UUID().uuidString)")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if temporary { try? FileManager.default.removeItem(at: folder) } }
        print("fable bench step: \(samples) samples (+\(warmup) warm-up) per size, \(dimensions)-dimension vectors, "
              + "databases in \(folder.path)\(temporary ? " (temporary)" : "")")
        print(MachineDescription.current().line)
        var summaries: [SizeSummary] = []
        do {
            for size in parsedSizes {
                summaries.append(try await measure(size: size, path: folder.appendingPathComponent("step-bench-\(size).sqlite").path))
            }
        } catch {
            Console.err("fable bench step: \(error)\n")
            throw ExitCode.failure
        }
        printSummary(summaries)
    }

    // MARK: - One size

    private struct SizeSummary {
        var size: Int
        var totalLexical: Samples
        var totalLexicalCPU: Samples
        var totalFused: Samples
        var bm25: Samples
        var fused: Samples
        var engine: Samples?
        var promptAt10: Prompt
        var promptAtLast: Prompt
    }

    /// The parts of one step, in the order the engine runs them.
    private enum Part: String, CaseIterable {
        case load = "load the world's position (world, head, opening, search start: one read)"
        case bm25 = "retrieval: BM25"
        case fused = "retrieval: BM25 + dense, fused (RRF)"
        case prompt = "prompt, bench premise without lore (PromptBuilder + reply schema)"
        case promptLore = "prompt, the story's premise with its lore"
        case decode = "passage stream decoder"
        case validate = "reply parse + validation"
        case commit = "commit (one transaction, fsync: the default --durability every-step)"
        case commitEverySecond = "commit with --durability every-second (no fsync; flushed each second)"
        case vectors = "dense only: vector backfill query + vector write (fsync)"
        case emptyRead = "for scale, not in the totals: an empty read (one hop to a reader and back)"
    }

    private func measure(size: Int, path: String) async throws -> SizeSummary {
        let model = "bench-stub-\(dimensions)"
        let (kept, worldID, headID) = try await prepareWorld(size: size, path: path, model: model)
        // The samples are timed on a copy, so the kept world stays as it was: every run
        // searches the same database (the full-text index holds every step of the file).
        let workPath = path + ".work"
        defer { Self.removeDatabase(workPath) }
        try await Self.copyDatabase(kept, to: workPath)
        // The same commit without its fsync (`--durability every-second`) is timed on a copy
        // of its own, so each store's background work (checkpoints, index merges) is its own.
        let store = try SQLiteStore(path: workPath, durability: .everyCommit)
        let relaxedPath = path + ".work-relaxed"
        defer { Self.removeDatabase(relaxedPath) }
        try await Self.copyDatabase(kept, to: relaxedPath)
        let relaxedStore = try SQLiteStore(path: relaxedPath, durability: .within(.seconds(1)))

        guard let head = try await store.step(id: headID), head.parentID != nil,
              let premise = try await store.world(id: worldID)?.premise else {
            throw ValidationError("the world in \(path) has no head step")
        }
        let settings = StorySettings.default
        let instructions = Self.instructions
        // Query vectors are made now, so no embedding runs while retrieval is timed.
        var table: [String: [Float]] = [:]
        for text in instructions {
            table[text] = Self.vector(text, dimensions: dimensions)
        }
        let embedder = PrecomputedEmbedder(modelName: model, table: table,
                                           fallback: Self.vector("a passage", dimensions: dimensions))
        let lexical = Retriever(store: store)
        let dense = Retriever(store: store, embedder: embedder)
        let builder = PromptBuilder(settings: settings)
        let storyPremise = FileManager.default.fileExists(atPath: story) ? try StoryFile.loadPremise(path: story) : nil
        if let storyPremise {
            print("story premise: \(story), \(storyPremise.lore.count) lore entries, "
                  + "\(storyPremise.lore.reduce(0) { $0 + $1.keys.count }) keys")
        }
        let validator = ReplyValidator(settings: settings)

        var parts: [Part: Samples] = [:]
        var partsCPU: [Part: Samples] = [:]
        var totalLexical = Samples()
        var totalFused = Samples()
        var totalLexicalCPU = Samples()
        var totalLexicalEverySecond = Samples()
        var totalFusedCPU = Samples()
        for index in 0..<(warmup + samples) {
            let timed = index >= warmup
            let instruction = instructions[index % instructions.count]
            var times: [Part: Stopwatch.Lap] = [:]

            var clock = Stopwatch()
            let position = try await store.position(worldID: worldID)
            guard let parent = position.head, parent.id == headID, let above = position.searchStart else {
                throw ValidationError("the world's head moved or has nothing above it")
            }
            let loaded = position.world
            let outline = position.opening?.content.outline ?? ""
            times[.load] = clock.lap()

            clock = Stopwatch()
            let found = try await lexical.search(endingAt: above, instruction: instruction, memory: parent.content.memory,
                                                 limit: settings.retrievalCount)
            times[.bm25] = clock.lap()

            clock = Stopwatch()
            let fusedResult = try await dense.search(endingAt: above, instruction: instruction, memory: parent.content.memory,
                                                     limit: settings.retrievalCount)
            times[.fused] = clock.lap()
            guard fusedResult.fused else {
                throw ValidationError("the fused ranking did not run: \(fusedResult.denseFailure ?? "no vectors")")
            }

            clock = Stopwatch()
            var context = StepContext(premise: loaded.premise, outline: outline, memory: parent.content.memory,
                                      lastPassage: parent.content.passage, retrieved: found.passages,
                                      options: parent.content.options, instruction: .custom(instruction))
            context.pins = parent.content.pins
            let prompt = builder.build(context)
            let schema = ReplySchema.json(opening: false, mode: premise.mode, settings: settings)
            times[.prompt] = clock.lap()
            if let storyPremise {
                clock = Stopwatch()
                var storyContext = context
                storyContext.premise = storyPremise
                let storyPrompt = builder.build(storyContext)
                times[.promptLore] = clock.lap()
                guard storyPrompt.characters > 0 else { throw ValidationError("empty prompt") }
            }

            let replyText = StubStoryteller.reply(number: 100_000 + index, opening: false)
            clock = Stopwatch()
            var decoder = PassageStreamDecoder()
            var text = ""
            var shown = 0
            var rest = Substring(replyText)
            while !rest.isEmpty {
                let piece = String(rest.prefix(4))
                rest = rest.dropFirst(4)
                text += piece
                shown += decoder.feed(piece).count
            }
            times[.decode] = clock.lap()

            clock = Stopwatch()
            let content = try validator.validate(try StepReply.parse(text), opening: false)
            times[.validate] = clock.lap()

            clock = Stopwatch()
            let draft = StepDraft(worldID: worldID, parentID: headID, depth: parent.depth + 1, instruction: instruction,
                                  content: content,
                                  telemetry: StepTelemetry(model: "bench", promptTokens: prompt.estimatedTokens,
                                                           completionTokens: TextMeasure.tokens(text),
                                                           promptCharacters: prompt.characters),
                                  trace: StepTrace(messages: prompt.messages, reply: text))
            let step = try await store.commit(draft, expectedHead: headID)
            times[.commit] = clock.lap()
            _ = try await store.moveHead(worldID: worldID, to: headID)

            clock = Stopwatch()
            _ = try await relaxedStore.commit(draft, expectedHead: headID)
            times[.commitEverySecond] = clock.lap()
            _ = try await relaxedStore.moveHead(worldID: worldID, to: headID)

            clock = Stopwatch()
            _ = try await store.piecesMissingVectors(worldID: worldID, model: model, limit: 16)
            let pieces = StepPieces.split(indexLine: content.indexLine, passage: content.passage)
            await dense.storeVectors(pieces.map { (number: $0.number, vector: embedder.fallback) }, stepID: step.id)
            times[.vectors] = clock.lap()

            _ = try await store.moveHead(worldID: worldID, to: headID)

            clock = Stopwatch()
            _ = try await store.journalMode()
            times[.emptyRead] = clock.lap()
            guard timed else { continue }
            guard shown > 0, !schema.isEmpty else { throw ValidationError("the decoder showed no passage") }
            for (part, lap) in times {
                parts[part, default: Samples()].add(lap.wall)
                partsCPU[part, default: Samples()].add(lap.cpu)
            }
            // A server world always has a story's premise: its prompt is the one that counts.
            let shared = [times[.load]!, times[.promptLore] ?? times[.prompt]!, times[.decode]!, times[.validate]!,
                          times[.commit]!]
            let lexicalParts = shared + [times[.bm25]!]
            let fusedParts = shared + [times[.fused]!, times[.vectors]!]
            totalLexical.add(lexicalParts.reduce(0) { $0 + $1.wall })
            totalLexicalEverySecond.add(lexicalParts.reduce(times[.commitEverySecond]!.wall - times[.commit]!.wall) { $0 + $1.wall })
            totalLexicalCPU.add(lexicalParts.reduce(0) { $0 + $1.cpu })
            totalFused.add(fusedParts.reduce(0) { $0 + $1.wall })
            totalFusedCPU.add(fusedParts.reduce(0) { $0 + $1.cpu })
        }

        var engineLexical: (wall: Samples, cpu: Samples)?
        var engineFused: (wall: Samples, cpu: Samples)?
        if !noEngine {
            engineLexical = try await engine(store: store, worldID: worldID, headID: headID, embedder: nil)
            engineFused = try await engine(store: store, worldID: worldID, headID: headID, embedder: embedder)
        }

        let promptAt10 = try await promptAfter(depth: 10, store: store, headID: headID, builder: builder, lexical: lexical)
        let promptAtLast = try await promptAfter(depth: size, store: store, headID: headID, builder: builder, lexical: lexical)

        print("")
        print("| \(size) steps: part | p50 ms | p99 ms | mean ms | CPU p50 ms |")
        print("| --- | --- | --- | --- | --- |")
        for part in Part.allCases {
            if let s = parts[part] { print(Self.row(part.rawValue, s, cpu: partsCPU[part])) }
        }
        let promptUsed = storyPremise == nil ? "bench premise" : "story premise"
        print(Self.row("**total, BM25** (sum per sample, \(promptUsed))", totalLexical, cpu: totalLexicalCPU))
        print(Self.row("total, BM25, with --durability every-second", totalLexicalEverySecond, cpu: nil))
        print(Self.row("**total, fused** (sum per sample, \(promptUsed))", totalFused, cpu: totalFusedCPU))
        if let engineLexical {
            print(Self.row("engine end to end, BM25 (instant in-process model, bench premise)", engineLexical.wall,
                           cpu: engineLexical.cpu))
        }
        if let engineFused {
            print(Self.row("engine end to end, fused (instant in-process model, bench premise)", engineFused.wall,
                           cpu: engineFused.cpu))
        }
        let fileSize = ((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0)
            + ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0)
        print("")
        print("prompt after step 10: \(promptAt10.characters) characters, \(promptAt10.estimatedTokens) estimated tokens; "
              + "after step \(size): \(promptAtLast.characters) characters, \(promptAtLast.estimatedTokens) tokens; "
              + String(format: "ratio %.3f", Double(promptAtLast.characters) / Double(max(1, promptAt10.characters))))
        print("database: \(fileSize / 1024) KiB")
        return SizeSummary(size: size, totalLexical: totalLexical, totalLexicalCPU: totalLexicalCPU, totalFused: totalFused, bm25: parts[.bm25] ?? Samples(),
                           fused: parts[.fused] ?? Samples(), engine: engineLexical?.wall,
                           promptAt10: promptAt10, promptAtLast: promptAtLast)
    }

    /// Writes the world (or finds it from an earlier run) and gives every step a vector.
    /// The store stays open: the samples' copies are made through it (`copyDatabase`).
    private func prepareWorld(size: Int, path: String, model: String) async throws
        -> (store: SQLiteStore, world: Int64, head: Int64) {
        let store = try SQLiteStore(path: path)
        let writing = ContinuousClock.now
        let (worldID, headID, _, reused) = try await RecallWorld(corpus: .english, steps: size).open(in: store)
        print("")
        print("## \(size) steps: " + (reused ? "world reused from \(path)"
                                              : "world written in \(Self.seconds(writing.millisecondsToNow)) (\(path))"))
        let vectorsWritten = try await storeMissingVectors(store: store, worldID: worldID, model: model)
        if vectorsWritten.count > 0 {
            print("vectors: \(vectorsWritten.count) stored in \(Self.seconds(vectorsWritten.milliseconds))")
        }
        return (store, worldID, headID)
    }

    private static let databaseSuffixes = ["", "-wal", "-shm"]

    /// A consistent copy (`VACUUM INTO`): the store writes in the background (checkpoints, index
    /// merges), so its files cannot simply be copied while it is open.
    private static func copyDatabase(_ store: SQLiteStore, to copy: String) async throws {
        removeDatabase(copy)
        try await store.backup(to: copy)
    }

    private static func removeDatabase(_ path: String) {
        for suffix in databaseSuffixes { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// The whole engine (`Storyteller.advance`) against a model that answers at once, in process.
    private func engine(store: SQLiteStore, worldID: Int64, headID: Int64, embedder: (any Embedder)?) async throws
        -> (wall: Samples, cpu: Samples) {
        let chat = ScriptedChatModel { _, number in StubStoryteller.reply(number: 200_000 + number, opening: false) }
        let storyteller = Storyteller(store: store, model: chat, embedder: embedder)
        var times = Samples()
        var cpu = Samples()
        for index in 0..<(warmup + samples) {
            let started = Stopwatch()
            var committed = false
            for try await event in storyteller.advance(worldID: worldID, instruction: .custom(Self.instructions[index % Self.instructions.count])) {
                if case .committed = event { committed = true }
            }
            let lap = started.lap()
            guard committed else { throw ValidationError("the engine did not commit a step") }
            _ = try await store.moveHead(worldID: worldID, to: headID)
            if index >= warmup {
                times.add(lap.wall)
                cpu.add(lap.cpu)
            }
        }
        return (times, cpu)
    }

    /// The prompt of the step after the branch's step at `depth` (the head's branch).
    private func promptAfter(depth: Int, store: SQLiteStore, headID: Int64, builder: PromptBuilder,
                             lexical: Retriever) async throws -> Prompt {
        let path = try await store.path(to: headID)
        let parent = path[depth - 1]
        guard let world = try await store.world(id: parent.worldID) else { throw ValidationError("no world") }
        let instruction = parent.content.options.first ?? "Walk on."
        var retrieved: [RetrievedPassage] = []
        if let above = parent.parentID {
            retrieved = try await lexical.search(endingAt: above, instruction: instruction, memory: parent.content.memory,
                                                 limit: builder.settings.retrievalCount).passages
        }
        let context = StepContext(premise: world.premise, outline: path[0].content.outline ?? "",
                                  memory: parent.content.memory, lastPassage: parent.content.passage,
                                  retrieved: retrieved, options: parent.content.options, instruction: .option(0))
        return builder.build(context)
    }

    /// Gives every step of the world without one a vector (the dense side needs them).
    private func storeMissingVectors(store: SQLiteStore, worldID: Int64, model: String) async throws
        -> (count: Int, milliseconds: Double) {
        let started = ContinuousClock.now
        var count = 0
        while true {
            let batch = try await store.piecesMissingVectors(worldID: worldID, model: model, limit: 256)
            if batch.isEmpty { break }
            for step in Dictionary(grouping: batch, by: \.stepID).values {
                try await store.storeVectors(step.map { ($0.id, Self.vector($0.text, dimensions: dimensions)) }, model: model)
            }
            count += batch.count
            Console.err("\rpiece vectors: \(count)")
        }
        if count > 0 { Console.err("\n") }
        return (count, started.millisecondsToNow)
    }

    // MARK: - Output

    private func printSummary(_ summaries: [SizeSummary]) {
        guard let smallest = summaries.first else { return }
        print("")
        print("## Summary (the step overhead's targets: 10,000 steps p50 ≤ 2 ms, p99 ≤ 10 ms, ≤ 1.5× the 100-step figure; "
              + "BM25 p50 ≤ 1 ms, fused p50 ≤ 5 ms; prompt ≤ 1.2× step 10's)")
        print("")
        print("| steps | total BM25 p50 / p99 ms | × smallest (p50) | total BM25 CPU p50 ms | total fused p50 / p99 ms | BM25 p50 / p99 ms | "
              + "fused p50 / p99 ms | engine e2e p50 / p99 ms | prompt chars step 10 → last (ratio) |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        let base = smallest.totalLexical.percentile(0.5)
        for s in summaries {
            func pair(_ samples: Samples) -> String {
                "\(Samples.format(samples.percentile(0.5))) / \(Samples.format(samples.percentile(0.99)))"
            }
            let ratio = base > 0 ? s.totalLexical.percentile(0.5) / base : 0
            let promptRatio = Double(s.promptAtLast.characters) / Double(max(1, s.promptAt10.characters))
            print("| \(s.size) | \(pair(s.totalLexical)) | \(String(format: "%.2f", ratio)) | "
                  + "\(Samples.format(s.totalLexicalCPU.percentile(0.5))) | \(pair(s.totalFused)) | "
                  + "\(pair(s.bm25)) | \(pair(s.fused)) | \(s.engine.map(pair) ?? "–") | "
                  + "\(s.promptAt10.characters) → \(s.promptAtLast.characters) (\(String(format: "%.3f", promptRatio))) |")
        }
    }

    private static func row(_ name: String, _ samples: Samples, cpu: Samples? = nil) -> String {
        let figures = samples.percentiles([0.5, 0.99])
        return "| \(name) | \(Samples.format(figures[0])) | \(Samples.format(figures[1])) | \(Samples.format(samples.mean)) | "
            + (cpu.map { Samples.format($0.percentile(0.5)) } ?? "–") + " |"
    }

    private static func seconds(_ milliseconds: Double) -> String {
        String(format: "%.1f s", milliseconds / 1000)
    }

    // MARK: - Inputs

    /// What the samples ask for: the recall bench's questions (both kinds) and plain moves.
    static let instructions: [String] = RecallCorpus.english.facts.flatMap { [$0.paraphrase, $0.lexical] }
        + ["Walk to the quay.", "Visit the market.", "Rest at the inn.", "Ask the ferryman about the fog bank."]

    /// The stub embedder's vector, stretched or cut to `dimensions` (same cost as a real one).
    static func vector(_ text: String, dimensions: Int) -> [Float] {
        let base = StubEmbeddings.vector(text)
        guard dimensions != base.count else { return base }
        let stretched = (0..<dimensions).map { index in
            base[index % base.count] * ((index / base.count) % 2 == 0 ? 1 : -1)
        }
        return VectorMath.normalized(stretched) ?? base
    }
}

/// Query vectors made before timing; any other text (a new passage) gets `fallback`.
private struct PrecomputedEmbedder: Embedder {
    let modelName: String
    let table: [String: [Float]]
    let fallback: [Float]

    func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map { table[$0] ?? fallback }
    }
}

/// Wall time and this process's CPU time (all threads) of one part. The bench runs one part
/// at a time, so the CPU time is that part's own, whatever else the machine is doing.
private struct Stopwatch {
    struct Lap {
        var wall: Double
        var cpu: Double
    }

    private let wall = ContinuousClock.now
    private let cpu = Stopwatch.processCPU()

    func lap() -> Lap {
        Lap(wall: wall.millisecondsToNow, cpu: Stopwatch.processCPU() - cpu)
    }

    /// Milliseconds of CPU this process has used.
    static func processCPU() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) * 1000 + Double(spec.tv_nsec) / 1e6
    }
}
