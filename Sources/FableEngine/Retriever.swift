import FableCore
import Foundation
import Synchronization

/// Long-term search for one step (SPEC §1.1, §7): BM25 over the branch alone, or, with an
/// embedder, BM25 and a dense (cosine) ranking of the same branch fused by reciprocal rank.
/// The dense side is best-effort: when the embeddings endpoint fails, BM25 alone answers.
public struct Retriever: Sendable {
    public let store: any StoryStore
    public let embedder: (any Embedder)?
    public let vectors: (any VectorStore)?
    /// How many candidates each ranking contributes to the fusion.
    public var candidates: Int
    /// Reciprocal rank fusion's constant.
    public var fusionK: Double
    /// Keep the first passage of each ranking among the results (`RankFusion.fuseKeepingLeaders`);
    /// false: plain RRF.
    public var keepsLeaders: Bool
    /// After an embeddings call times out, the dense side rests this long (BM25 alone
    /// searches, new steps wait for backfill): a hung endpoint costs one time-out now and
    /// then, not two every step. A refused connection fails at once and does not count.
    public var pauseAfterTimeout: Duration
    private let health = Health()

    /// `vectors` nil: the store's own, when it keeps vectors (SQLiteStore does).
    public init(store: any StoryStore, embedder: (any Embedder)? = nil, vectors: (any VectorStore)? = nil,
                candidates: Int = 20, fusionK: Double = RankFusion.defaultK, keepsLeaders: Bool = true,
                pauseAfterTimeout: Duration = .seconds(60)) {
        self.store = store
        self.embedder = embedder
        self.vectors = vectors ?? (store as? any VectorStore)
        self.candidates = candidates
        self.fusionK = fusionK
        self.keepsLeaders = keepsLeaders
        self.pauseAfterTimeout = pauseAfterTimeout
    }

    /// Dense retrieval is on: an embedder and somewhere to keep vectors.
    public var isDense: Bool { embedder != nil && vectors != nil }

    /// What one search found, and why the dense side was left out, if it was.
    public struct Result: Sendable {
        public var passages: [RetrievedPassage]
        /// The fusion ran (the query was embedded and the branch searched by vector).
        public var fused: Bool
        /// Why it did not, when dense retrieval is on but failed.
        public var denseFailure: String?
    }

    /// The best `limit` passages of `stepID` and its ancestors for this instruction and memory.
    public func search(endingAt stepID: Int64, instruction: String, memory: String, limit: Int) async throws -> Result {
        let terms = SearchTerms.from(instruction: instruction, memory: memory)
        guard let embedder, let vectors, limit > 0 else {
            // Today's behaviour, unchanged.
            let passages = terms.isEmpty ? [] : try await store.searchBranch(endingAt: stepID, terms: terms, limit: limit)
            return Result(passages: passages, fused: false, denseFailure: nil)
        }
        let query = Self.queryText(instruction: instruction, memory: memory)
        let lexical = terms.isEmpty ? [] : try await store.searchBranch(endingAt: stepID, terms: terms, limit: max(limit, candidates))
        guard !query.isEmpty else {
            return Result(passages: Array(lexical.prefix(limit)), fused: false, denseFailure: nil)
        }
        if health.isPaused {
            return Result(passages: Array(lexical.prefix(limit)), fused: false,
                          denseFailure: "the embeddings endpoint timed out lately; BM25 alone for now")
        }
        let dense: [RetrievedPassage]
        do {
            guard let vector = try await embedder.embedQueries([query]).first else {
                throw ModelError.malformed("no vector for the query")
            }
            dense = try await vectors.denseSearchBranch(endingAt: stepID, vector: vector, model: embedder.modelName,
                                                        limit: max(limit, candidates))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            noteFailure(error)
            return Result(passages: Array(lexical.prefix(limit)), fused: false, denseFailure: "\(error)")
        }
        // Dense first: on a tie (each ranking holds one of two passages at the same rank) the
        // dense one wins, since its query is the instruction alone while BM25's terms also
        // hold the memory's words. Measured in docs/retrieval.md.
        let rankings = [dense.map(\.stepID), lexical.map(\.stepID)]
        let scores = Dictionary(RankFusion.scores(rankings, k: fusionK).map { ($0.id, $0.score) },
                                uniquingKeysWith: { a, _ in a })
        var byID: [Int64: RetrievedPassage] = [:]
        for passage in dense + lexical { byID[passage.stepID] = passage }
        let fused = keepsLeaders ? RankFusion.fuseKeepingLeaders(rankings, k: fusionK, limit: limit)
            : RankFusion.fuse(rankings, k: fusionK, limit: limit)
        let passages = fused.compactMap { id -> RetrievedPassage? in
            guard var passage = byID[id] else { return nil }
            passage.score = -(scores[id] ?? 0)
            return passage
        }
        return Result(passages: passages, fused: true, denseFailure: nil)
    }

    /// What a query embeds: the instruction; the short-term memory only when there is no
    /// instruction (`continue`, unattended play). One vector averages its whole text, so a
    /// memory of up to 250 words would drown a ten-word instruction (docs/retrieval.md has
    /// the figures); BM25 still searches the words of both.
    public static func queryText(instruction: String, memory: String) -> String {
        let instruction = instruction.trimmingCharacters(in: .whitespacesAndNewlines)
        return instruction.isEmpty ? memory.trimmingCharacters(in: .whitespacesAndNewlines) : instruction
    }

    /// What a step's vector embeds: its index line, then its passage.
    public static func passageText(_ content: StepContent) -> String {
        content.indexLine + "\n" + content.passage
    }

    /// The vector of a new step's text, or nil when there is no embedder or it failed:
    /// a failed embedding never fails a step (the step is backfilled later).
    public func embedPassage(_ content: StepContent) async -> [Float]? {
        guard let embedder, vectors != nil, !health.isPaused else { return nil }
        do {
            return try await embedder.embed([Self.passageText(content)]).first
        } catch {
            noteFailure(error)
            return nil
        }
    }

    /// Stores a new step's vector; best-effort.
    @discardableResult
    public func storeVector(_ vector: [Float], stepID: Int64) async -> Bool {
        guard let embedder, let vectors else { return false }
        do {
            try await vectors.storeVector(stepID: stepID, model: embedder.modelName, vector: vector)
            return true
        } catch {
            return false
        }
    }

    /// Embeds up to `limit` steps of the world that have no vector from this model (written
    /// while the endpoint was down, before embeddings were configured, or with another
    /// model), newest first, in one request. Best-effort; returns how many were stored.
    @discardableResult
    public func backfill(worldID: Int64, limit: Int) async -> Int {
        guard let embedder, let vectors, limit > 0, !health.isPaused else { return 0 }
        do {
            let missing = try await vectors.stepsMissingVectors(worldID: worldID, model: embedder.modelName, limit: limit)
            guard !missing.isEmpty else { return 0 }
            let embedded = try await embedder.embed(missing.map { Self.passageText($0.content) })
            guard embedded.count == missing.count else { return 0 }
            var stored = 0
            for (step, vector) in zip(missing, embedded) {
                // One unusable vector must not keep the others out.
                if (try? await vectors.storeVector(stepID: step.id, model: embedder.modelName, vector: vector)) != nil {
                    stored += 1
                }
            }
            return stored
        } catch {
            noteFailure(error)
            return 0
        }
    }

    private func noteFailure(_ error: any Error) {
        if case ModelError.timedOut = error { health.pause(for: pauseAfterTimeout) }
    }

    /// Whether the embeddings endpoint is resting after a time-out; shared by copies.
    private final class Health: Sendable {
        private let until = Mutex<ContinuousClock.Instant?>(nil)

        var isPaused: Bool {
            until.withLock { until in
                guard let end = until else { return false }
                if ContinuousClock.now < end { return true }
                until = nil
                return false
            }
        }

        func pause(for duration: Duration) {
            until.withLock { $0 = ContinuousClock.now + duration }
        }
    }
}
