import FableCore
import FableEngine
import FableStore
import Synchronization

/// Long-term recall on planted facts: each fact of the corpus is asked for in other words
/// (paraphrase) and in its own (lexical control), as a reader's instruction (chosen) and as
/// one of the three options an unattended step chooses among; the step holding the fact
/// must come back among the top 3 (what reaches the prompt) and the top 10.
public struct RecallBench: Sendable {
    public let world: RecallWorld
    public let embedder: (any Embedder)?
    /// Also report each paraphrase's rank in every ranking and what outranks a missed fact
    /// (`RecallExplain`).
    public var explains: Bool

    public init(world: RecallWorld, embedder: (any Embedder)?, explains: Bool = false) {
        self.world = world
        self.embedder = embedder
        self.explains = explains
    }

    public struct Row: Sendable {
        public var questions: String
        public var mode: String
        public var ranking: String
        public var hits3 = 0
        public var hits10 = 0
        public var count = 0
        /// Milliseconds for each top-3 search, including the query's embedding, and without it.
        public var latencies = Samples()
        public var searchLatencies = Samples()

        public func recall(_ k: Int) -> Double { Double(k == 3 ? hits3 : hits10) / Double(max(count, 1)) }
    }

    /// Writes (or reuses) the world, embeds what has no vectors, and measures every
    /// combination; `report` gets progress lines.
    public func run(store: SQLiteStore, report: @Sendable (String) -> Void) async throws -> [Row] {
        let corpus = world.corpus
        var started = ContinuousClock.now
        let (worldID, headID, plantedAt, reused) = try await world.open(in: store)
        report("world: \(corpus.language), \(world.steps) steps, \(corpus.facts.count) planted facts, "
               + (reused ? "reused" : "written in \(Self.format((ContinuousClock.now - started).milliseconds / 1000)) s"))
        let overlapping = corpus.facts.filter {
            !RecallWorld.sharedWords($0.fact, $0.paraphrase, functionWords: corpus.functionWords).isEmpty
        }
        report("paraphrases sharing a content word with their fact: \(overlapping.count) of \(corpus.facts.count)"
               + overlapping.map { " [\($0.paraphrase)]" }.joined())
        if let embedder {
            started = .now
            let (pieces, distinct) = try await embedMissing(store: store, worldID: worldID, embedder: embedder)
            let seconds = (ContinuousClock.now - started).milliseconds / 1000
            report("embedded \(pieces) pieces (\(distinct) distinct texts) with \(embedder.modelName) in \(Self.format(seconds)) s")
        }
        let memory = try await store.step(id: headID)?.content.memory ?? ""
        var rankers: [(name: String, retriever: Retriever)] = [("BM25 alone", Retriever(store: store))]
        let timed = embedder.map(TimedEmbedder.init)
        if let timed {
            rankers.append(("BM25 + dense (Fable)", Retriever(store: store, embedder: timed)))
            rankers.append(("BM25 + dense, plain RRF", Retriever(store: store, embedder: timed, keepsLeaders: false)))
        }
        var rows: [Row] = []
        for questions in ["paraphrase", "lexical"] {
            for mode in ["chosen", "unattended"] {
                for ranker in rankers {
                    var row = Row(questions: questions, mode: mode, ranking: ranker.name)
                    for (index, fact) in corpus.facts.enumerated() {
                        let question = questions == "paraphrase" ? fact.paraphrase : fact.lexical
                        let query = mode == "chosen" ? RetrievalQuery.text(question, memory: memory)
                            : RetrievalQuery(focus: Self.options(with: question, index: index, corpus: corpus), memory: memory)
                        let clock = ContinuousClock.now
                        let embedding = timed?.spent ?? .zero
                        let top3 = try await ranker.retriever.search(endingAt: headID, query: query, limit: 3)
                        let elapsed = ContinuousClock.now - clock
                        row.latencies.add(elapsed.milliseconds)
                        row.searchLatencies.add((elapsed - ((timed?.spent ?? .zero) - embedding)).milliseconds)
                        if let failure = top3.denseFailure { throw RecallBenchError("the dense side failed: \(failure)") }
                        let top10 = try await ranker.retriever.search(endingAt: headID, query: query, limit: 10)
                        row.count += 1
                        if top3.passages.contains(where: { $0.stepID == plantedAt[index] }) { row.hits3 += 1 }
                        if top10.passages.contains(where: { $0.stepID == plantedAt[index] }) { row.hits10 += 1 }
                    }
                    rows.append(row)
                }
            }
        }
        if explains, let embedder {
            let explain = RecallExplain(store: store, embedder: embedder, retriever: Retriever(store: store, embedder: embedder))
            for line in try await explain.lines(facts: corpus.facts, plantedAt: plantedAt, headID: headID, memory: memory) {
                report(line)
            }
        }
        return rows
    }

    /// The three options of an unattended step: the question among two ordinary moves, at a
    /// place that turns with the fact.
    static func options(with question: String, index: Int, corpus: RecallCorpus) -> [String] {
        var options = [corpus.options[index % corpus.options.count], corpus.options[(index * 7 + 3) % corpus.options.count]]
        options.insert(question, at: index % 3)
        return options
    }

    /// Gives every piece of the world without a vector one, embedding each distinct text once.
    private func embedMissing(store: SQLiteStore, worldID: Int64, embedder: any Embedder) async throws
        -> (pieces: Int, distinct: Int) {
        var known: [String: [Float]] = [:]
        var pieces = 0
        while true {
            let batch = try await store.piecesMissingVectors(worldID: worldID, model: embedder.modelName, limit: 256)
            if batch.isEmpty { break }
            var fresh: [String] = []
            var queued = Set<String>()
            for piece in batch where known[piece.text] == nil && queued.insert(piece.text).inserted {
                fresh.append(piece.text)
            }
            for start in stride(from: 0, to: fresh.count, by: 64) {
                let texts = Array(fresh[start ..< min(start + 64, fresh.count)])
                for (text, vector) in zip(texts, try await embedder.embed(texts)) { known[text] = vector }
            }
            var byStep: [Int64: [(pieceID: Int64, vector: [Float])]] = [:]
            for piece in batch { byStep[piece.stepID, default: []].append((piece.id, known[piece.text]!)) }
            for (_, vectors) in byStep { try await store.storeVectors(vectors, model: embedder.modelName) }
            pieces += batch.count
        }
        return (pieces, known.count)
    }

    /// The rows as a Markdown table.
    public static func table(_ rows: [Row]) -> String {
        var lines = ["| questions | asked as | ranking | recall@3 | recall@10 | p50 ms | p99 ms | search alone p50 / p99 ms |",
                     "| --- | --- | --- | --- | --- | --- | --- | --- |"]
        for row in rows {
            lines.append("| \(row.questions) | \(row.mode) | \(row.ranking) | \(row.hits3)/\(row.count) = \(format(row.recall(3))) "
                         + "| \(row.hits10)/\(row.count) = \(format(row.recall(10))) | "
                         + "\(format(row.latencies.percentile(0.5))) | \(format(row.latencies.percentile(0.99))) | "
                         + "\(format(row.searchLatencies.percentile(0.5))) / \(format(row.searchLatencies.percentile(0.99))) |")
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// An embedder that adds up the time its calls take, so a search's own time can be told from
/// the embeddings server's; calls that overlap count once, from the first's start to the
/// last's end.
final class TimedEmbedder: Embedder {
    private struct Clock {
        var total = Duration.zero
        var running = 0
        var since = ContinuousClock.now
    }

    private let base: any Embedder
    private let clock = Mutex(Clock())

    init(_ base: any Embedder) { self.base = base }

    var modelName: String { base.modelName }
    var embedsQueriesApart: Bool { base.embedsQueriesApart }
    var spent: Duration { clock.withLock { $0.total } }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        try await timing { try await base.embed(texts) }
    }

    func embedQueries(_ texts: [String]) async throws -> [[Float]] {
        try await timing { try await base.embedQueries(texts) }
    }

    private func timing(_ body: () async throws -> [[Float]]) async throws -> [[Float]] {
        clock.withLock { clock in
            if clock.running == 0 { clock.since = ContinuousClock.now }
            clock.running += 1
        }
        defer {
            clock.withLock { clock in
                clock.running -= 1
                if clock.running == 0 { clock.total += ContinuousClock.now - clock.since }
            }
        }
        return try await body()
    }
}
