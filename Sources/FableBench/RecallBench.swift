import FableCore
import FableEngine
import FableStore

/// Long-term recall on planted facts: each fact of the corpus is asked for in other words
/// (paraphrase) and in its own (lexical control), as a reader's instruction (chosen) and as
/// one of the three options an unattended step chooses among; the step holding the fact
/// must come back among the top 3 (what reaches the prompt) and the top 10.
public struct RecallBench: Sendable {
    public let world: RecallWorld
    public let embedder: (any Embedder)?

    public init(world: RecallWorld, embedder: (any Embedder)?) {
        self.world = world
        self.embedder = embedder
    }

    public struct Row: Sendable {
        public var questions: String
        public var mode: String
        public var ranking: String
        public var hits3 = 0
        public var hits10 = 0
        public var count = 0
        /// Milliseconds for each top-3 search, including the query's embedding.
        public var latencies = Samples()

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
        if let embedder {
            rankers.append(("BM25 + dense (Fable)", Retriever(store: store, embedder: embedder)))
            rankers.append(("BM25 + dense, plain RRF", Retriever(store: store, embedder: embedder, keepsLeaders: false)))
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
                        let top3 = try await ranker.retriever.search(endingAt: headID, query: query, limit: 3)
                        row.latencies.add((ContinuousClock.now - clock).milliseconds)
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
        var lines = ["| questions | asked as | ranking | recall@3 | recall@10 | p50 ms | p99 ms |",
                     "| --- | --- | --- | --- | --- | --- | --- |"]
        for row in rows {
            lines.append("| \(row.questions) | \(row.mode) | \(row.ranking) | \(row.hits3)/\(row.count) = \(format(row.recall(3))) "
                         + "| \(row.hits10)/\(row.count) = \(format(row.recall(10))) | "
                         + "\(format(row.latencies.percentile(0.5))) | \(format(row.latencies.percentile(0.99))) |")
        }
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
