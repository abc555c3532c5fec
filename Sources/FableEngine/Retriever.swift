import FableCore
import Foundation
import Synchronization

/// Long-term search for one step (SPEC §1.1, §7). The store indexes pieces of passages (the
/// index line and each sentence, `StepPieces`); a passage counts by its best piece. Each text
/// of the query's focus is searched by BM25 and, with an embedder, by vector; the memory by
/// BM25 at a quarter weight; the rankings are fused by reciprocal rank, with places kept for
/// the dense ranking's first passages and for a BM25 first that stands out. The dense side is
/// best-effort: when the embeddings endpoint fails, BM25 alone answers.
public struct Retriever: Sendable {
    public let store: any StoryStore
    public let embedder: (any Embedder)?
    public let vectors: (any VectorStore)?
    /// How many candidates each ranking contributes to the fusion.
    public var candidates: Int
    /// Reciprocal rank fusion's constant.
    public var fusionK: Double
    /// Keep places among the results for the first passages of the focus rankings
    /// (`RankFusion.fuseKeepingLeaders`): the dense ranking's first `denseLeaders` (all of the
    /// places when no BM25 first stands out), and a BM25 ranking's first when it stands out
    /// (`lexicalLeaderScore`); false: plain RRF.
    public var keepsLeaders: Bool
    /// Places kept for the dense ranking's first passages beside a BM25 first that stands out:
    /// a fact asked for in other words is often the dense ranking's second, and a name's
    /// passage is BM25's first.
    public var denseLeaders: Int
    /// A focus text's BM25 ranking counts this much of its dense ranking: meanings decide
    /// among passages that share words; a rare word's first passage is kept in any case.
    public var lexicalWeight: Double
    /// The memory's BM25 ranking counts this much of a focus text's dense ranking.
    public var memoryWeight: Double
    /// BM25's first passage is kept among the results when its score is this many standard
    /// deviations above its ranking's mean (and half as much again as the second's).
    public var lexicalLeaderScore: Double
    /// After an embeddings call times out, the dense side rests this long (BM25 alone
    /// searches, new steps wait for backfill): a hung endpoint costs one time-out now and
    /// then, not two every step. A refused connection fails at once and does not count.
    public var pauseAfterTimeout: Duration
    private let health: Health
    private let queries = QueryVectors()

    /// `vectors` nil: the store's own, when it keeps vectors (SQLiteStore does).
    /// `statusChanged`: told when the dense side stops or starts answering (for a log line).
    public init(store: any StoryStore, embedder: (any Embedder)? = nil, vectors: (any VectorStore)? = nil,
                candidates: Int = 20, fusionK: Double = RankFusion.defaultK, keepsLeaders: Bool = true,
                denseLeaders: Int = 2,
                lexicalWeight: Double = 0.5, memoryWeight: Double = 0.25, lexicalLeaderScore: Double = 3,
                pauseAfterTimeout: Duration = .seconds(60),
                statusChanged: (@Sendable (DenseStatus) -> Void)? = nil) {
        self.store = store
        self.embedder = embedder
        self.vectors = vectors ?? (store as? any VectorStore)
        self.candidates = candidates
        self.fusionK = fusionK
        self.keepsLeaders = keepsLeaders
        self.denseLeaders = denseLeaders
        self.lexicalWeight = lexicalWeight
        self.memoryWeight = memoryWeight
        self.lexicalLeaderScore = lexicalLeaderScore
        self.pauseAfterTimeout = pauseAfterTimeout
        health = Health(statusChanged: statusChanged)
    }

    /// Dense retrieval is configured: an embedder and somewhere to keep vectors.
    public var isDense: Bool { embedder != nil && vectors != nil }

    /// Whether the dense side is answering, as last seen.
    public var denseStatus: DenseStatus { isDense ? health.status : .off }

    /// Asks the embeddings endpoint for one vector, so a server can say at its start whether
    /// dense retrieval works; the answer is `denseStatus`.
    /// It is not told to `statusChanged`: the caller says it once, as it starts.
    @discardableResult
    public func probe() async -> DenseStatus {
        guard let embedder, isDense else { return .off }
        do {
            _ = try await embedder.embedQueries(["probe"])
            health.set(.on, telling: false)
        } catch {
            if case ModelError.timedOut = error { health.pause(for: pauseAfterTimeout) }
            health.set(.unavailable("\(error)"), telling: false)
        }
        return denseStatus
    }

    /// What a reader's `recall` finds: the passages of the branch ending at `stepID` whose
    /// pieces best match `words`, by meaning and by word, each with the pieces that matched.
    public func recall(_ words: String, endingAt stepID: Int64, limit: Int = 5) async throws -> [RetrievedPassage] {
        try await search(endingAt: stepID, query: .text(words), limit: limit).passages
    }

    /// What one search found, and why the dense side was left out, if it was.
    public struct Result: Sendable {
        public var passages: [RetrievedPassage]
        /// The fusion ran (the query was embedded and the branch searched by vector).
        public var fused: Bool
        /// Why it did not, when dense retrieval is on but failed.
        public var denseFailure: String?
    }

    /// The best `limit` passages of `stepID` and its ancestors for an instruction and memory.
    public func search(endingAt stepID: Int64, instruction: String, memory: String, limit: Int) async throws -> Result {
        try await search(endingAt: stepID, query: .text(instruction, memory: memory), limit: limit)
    }

    /// The best `limit` passages of `stepID` and its ancestors for `query`.
    public func search(endingAt stepID: Int64, query: RetrievalQuery, limit: Int) async throws -> Result {
        guard limit > 0 else { return Result(passages: [], fused: false, denseFailure: nil) }
        // With nothing in focus (an opening's next step with no options), the memory is the focus.
        let focus = query.focus.isEmpty ? [query.memory].filter { !$0.isEmpty } : query.focus
        let memory = query.focus.isEmpty ? "" : query.memory
        // The dense side (mostly waiting for the query's embedding) runs while BM25 searches.
        async let denseOutcome = denseOutcome(endingAt: stepID, focus: focus, limit: limit)
        var rankings = try await lexicalRankings(endingAt: stepID, focus: focus, memory: memory, limit: limit)
        var denseFailure: String?
        var fused = false
        switch await denseOutcome {
        case .success(let dense?):
            // Dense first: on a tie between two passages at the same rank the dense one
            // wins, since it finds meanings where BM25 finds only words.
            rankings = dense + rankings
            fused = true
        case .success(nil):
            break
        case .failure(let error):
            if error is CancellationError { throw error }
            denseFailure = "\(error)"
        }
        var passages = fuse(keepingMeanings(mergingDense(rankings, limit: limit), limit: limit), limit: limit)
        if focus.count > 1 { passages += briefs(rankings, focusCount: focus.count, besides: passages, limit: limit) }
        // Pieces from every ranking that found a passage, not only the merged one.
        let pieces = Dictionary(grouping: rankings.flatMap { ranking in
            ranking.passages.enumerated().flatMap { index, passage in
                passage.pieces.map { piece -> (Int64, RetrievedPiece) in
                    var piece = piece
                    piece.rank = index + 1
                    piece.query = ranking.query
                    return (passage.stepID, piece)
                }
            }
        }, by: \.0)
        for index in passages.indices { passages[index].pieces = pieces[passages[index].stepID]?.map(\.1) ?? [] }
        return Result(passages: passages, fused: fused, denseFailure: denseFailure)
    }

    /// BM25 for each text in focus, and for the memory (its query number: after the focus's).
    private func lexicalRankings(endingAt stepID: Int64, focus: [String], memory: String, limit: Int) async throws
        -> [Ranking] {
        let depth = max(limit, candidates)
        var rankings: [Ranking] = []
        for (number, text) in (focus + [memory]).enumerated() {
            let terms = SearchTerms.from(instruction: text, memory: "")
            guard !terms.isEmpty else { continue }
            let isMemory = number == focus.count
            let passages = try await store.searchBranch(endingAt: stepID, terms: terms, limit: depth)
            // BM25's first is kept only when it stands out from the rest (a rare word or name
            // found), not when it merely shares a common word with the query: its score is far
            // above its ranking's mean, and well above the second's (so a small lead over many
            // alike does not count).
            let standsOut = firstStandsOut(passages)
            rankings.append(Ranking(query: number, weight: isMemory ? memoryWeight : lexicalWeight,
                                    keeps: !isMemory && standsOut ? 1 : 0, passages: passages))
        }
        return rankings
    }

    /// Whether a BM25 ranking's first passage stands out from the rest (`lexicalLeaderScore`
    /// standard deviations above their mean, and half as much again as the second's score).
    public func firstStandsOut(_ passages: [RetrievedPassage]) -> Bool {
        let scores = passages.map { -$0.score }
        return (RankFusion.standardScores(scores).first ?? 0) >= lexicalLeaderScore
            && (scores.count < 2 || scores[0] >= 1.5 * scores[1])
    }

    /// `denseRankings`, its error kept as a value.
    private func denseOutcome(endingAt stepID: Int64, focus: [String], limit: Int) async -> Swift.Result<[Ranking]?, any Error> {
        do {
            return .success(try await denseRankings(endingAt: stepID, focus: focus, limit: limit))
        } catch {
            return .failure(error)
        }
    }

    /// The dense ranking of each text in focus; nil when dense retrieval is off or resting.
    /// Throws when the embeddings endpoint or the vectors fail (then BM25 alone answers).
    private func denseRankings(endingAt stepID: Int64, focus: [String], limit: Int) async throws -> [Ranking]? {
        guard let embedder, let vectors, !focus.isEmpty else { return nil }
        guard !health.isPaused else {
            throw RetrievalPause()
        }
        do {
            let queryVectors = try await queryVectors(focus, embedder: embedder)
            guard queryVectors.count == focus.count else { throw ModelError.malformed("no vector for the query") }
            health.succeeded()
            let lists = try await vectors.denseSearchBranch(endingAt: stepID, vectors: queryVectors,
                                                            model: embedder.modelName, limit: max(limit, candidates))
            return lists.enumerated().map { number, passages in
                Ranking(query: number, weight: 1, keeps: denseLeaders, isDense: true, passages: passages)
            }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            noteFailure(error)
            throw error
        }
    }

    /// With several texts in focus (the options of an unattended step), their dense rankings
    /// merged into one by how far each passage stands out among its own query's candidates
    /// (standard scores): an option that names one earlier event finds it well above the rest,
    /// an everyday option ("Walk to the quay.") finds many alike. BM25's scores do not compare
    /// across queries; each keeps its own ranking.
    private func mergingDense(_ rankings: [Ranking], limit: Int) -> [Ranking] {
        let dense = rankings.filter(\.isDense)
        guard dense.count > 1 else { return rankings }
        var seen = Set<Int64>()
        let passages = dense.flatMap { ranking in
            zip(ranking.passages, RankFusion.standardScores(ranking.passages.map { -$0.score }))
        }.sorted { $0.1 > $1.1 }.map(\.0).filter { seen.insert($0.stepID).inserted }
        return [Ranking(query: 0, weight: 1, keeps: denseLeaders, isDense: true,
                        passages: Array(passages.prefix(max(limit, candidates))))]
            + rankings.filter { !$0.isDense }
    }

    /// With several texts in focus (the options of an unattended step, one of which the next
    /// passage follows), each is also searched as if it were the reader's instruction (its own
    /// dense and BM25 rankings and the memory's, fused alike), and what that finds beyond the
    /// shared search's passages is added in brief: the index line and the piece that matched,
    /// each option's first, then each one's second, and so on. The option the model takes then
    /// has what a reader choosing it would have had, for a few dozen tokens a passage.
    private func briefs(_ rankings: [Ranking], focusCount: Int, besides chosen: [RetrievedPassage],
                        limit: Int) -> [RetrievedPassage] {
        let lists = (0..<focusCount).map { number in
            fuse(keepingMeanings(rankings.filter { $0.query == number || $0.query == focusCount }, limit: limit), limit: limit)
        }
        var seen = Set(chosen.map(\.stepID))
        var briefs: [RetrievedPassage] = []
        for rank in 0..<limit {
            for list in lists where rank < list.count && seen.insert(list[rank].stepID).inserted {
                var passage = list[rank]
                passage.isBrief = true
                passage.passage = passage.pieces.first?.text ?? passage.indexLine
                briefs.append(passage)
            }
        }
        return briefs
    }

    /// Without a BM25 first that stands out, the place kept for one goes to meanings too.
    private func keepingMeanings(_ rankings: [Ranking], limit: Int) -> [Ranking] {
        guard !rankings.contains(where: { !$0.isDense && $0.keeps > 0 }) else { return rankings }
        return rankings.map { ranking in
            var ranking = ranking
            if ranking.isDense { ranking.keeps = max(ranking.keeps, limit) }
            return ranking
        }
    }

    private struct Ranking {
        var query: Int
        var weight: Double
        /// How many of its first passages the fusion keeps.
        var keeps: Int
        var isDense = false
        var passages: [RetrievedPassage]
    }

    /// The fused top `limit` of some rankings; a passage's score is minus its fused score
    /// (lower is better, as BM25's), or its own ranking's when there is only one.
    private func fuse(_ rankings: [Ranking], limit: Int) -> [RetrievedPassage] {
        let ids = rankings.map { $0.passages.map(\.stepID) }
        let weights = rankings.map(\.weight)
        let scores = Dictionary(RankFusion.scores(ids, k: fusionK, weights: weights).map { ($0.id, $0.score) },
                                uniquingKeysWith: { a, _ in a })
        let chosen = keepsLeaders
            ? RankFusion.fuseKeepingLeaders(ids, k: fusionK, weights: weights, keeping: rankings.map(\.keeps), limit: limit)
            : RankFusion.fuse(ids, k: fusionK, weights: weights, limit: limit)
        var byID: [Int64: RetrievedPassage] = [:]
        for passage in rankings.flatMap(\.passages) where byID[passage.stepID] == nil {
            byID[passage.stepID] = passage
        }
        return chosen.compactMap { id -> RetrievedPassage? in
            guard var passage = byID[id] else { return nil }
            if rankings.count > 1 { passage.score = -(scores[id] ?? 0) }
            return passage
        }
    }

    /// Vectors of queries, from those embedded ahead (`prepareQueries`) where it can.
    private func queryVectors(_ texts: [String], embedder: any Embedder) async throws -> [[Float]] {
        let known = queries.vectors(texts)
        let missing = texts.indices.filter { known[$0] == nil }
        guard !missing.isEmpty else { return known.compactMap { $0 } }
        let fresh = try await QueryEmbedding.vectors(missing.map { texts[$0] }, embedder: embedder)
        guard fresh.count == missing.count else { throw ModelError.malformed("not one vector per query") }
        var vectors = known
        for (index, vector) in zip(missing, fresh) { vectors[index] = vector }
        return vectors.compactMap { $0 }
    }

    /// Embeds, ahead of need, the queries a next step will search with (a new step's options:
    /// the reader chooses one, or an unattended step searches with all three), so that step
    /// does not wait for the embeddings server. Best-effort.
    public func prepareQueries(_ texts: [String]) async {
        guard let embedder, vectors != nil, !health.isPaused else { return }
        let texts = RetrievalQuery(focus: texts, memory: "").focus
        let missing = texts.filter { queries.vectors([$0])[0] == nil }
        guard !missing.isEmpty, let fresh = try? await QueryEmbedding.vectors(missing, embedder: embedder),
              fresh.count == missing.count else {
            return
        }
        queries.remember(zip(missing, fresh).map { ($0, $1) })
    }

    /// The vectors of a new step's pieces, by piece number, or nil when there is no embedder
    /// or it failed: a failed embedding never fails a step (the step is backfilled later).
    public func embedPieces(_ content: StepContent) async -> [(number: Int, vector: [Float])]? {
        guard let embedder, vectors != nil, !health.isPaused else { return nil }
        let pieces = StepPieces.split(indexLine: content.indexLine, passage: content.passage)
        guard !pieces.isEmpty else { return nil }
        do {
            let embedded = try await embedder.embed(pieces.map(\.text))
            guard embedded.count == pieces.count else { throw ModelError.malformed("not one vector per piece") }
            health.succeeded()
            return zip(pieces, embedded).map { (number: $0.number, vector: $1) }
        } catch {
            noteFailure(error)
            return nil
        }
    }

    /// Stores a new step's piece vectors; best-effort.
    @discardableResult
    public func storeVectors(_ vectors: [(number: Int, vector: [Float])], stepID: Int64) async -> Bool {
        guard let embedder, let store = self.vectors else { return false }
        do {
            try await store.storeVectors(vectors.map { (StepPieces.pieceID(step: stepID, number: $0.number), $0.vector) },
                                         model: embedder.modelName)
            return true
        } catch {
            return false
        }
    }

    /// Embeds the pieces of up to `limit` steps of the world that have no vectors from this
    /// model (written while the endpoint was down, before embeddings were configured, or with
    /// another model), newest first. Best-effort; returns how many steps were stored.
    @discardableResult
    public func backfill(worldID: Int64, limit: Int) async -> Int {
        guard let embedder, let vectors, limit > 0, !health.isPaused else { return 0 }
        do {
            let missing = try await vectors.piecesMissingVectors(worldID: worldID, model: embedder.modelName, limit: limit)
            guard !missing.isEmpty else { return 0 }
            let embedded = try await embedder.embed(missing.map(\.text))
            guard embedded.count == missing.count else { return 0 }
            health.succeeded()
            var stored = 0
            let pairs = zip(missing, embedded).map { (pieceID: $0.id, vector: $1) }
            for step in StepPieces.byStep(pairs, pieceID: \.pieceID) {
                // One unusable vector must not keep the other steps out.
                if (try? await vectors.storeVectors(Array(step), model: embedder.modelName)) != nil { stored += 1 }
            }
            return stored
        } catch {
            noteFailure(error)
            return 0
        }
    }

    private func noteFailure(_ error: any Error) {
        if case ModelError.timedOut = error { health.pause(for: pauseAfterTimeout) }
        if error is CancellationError { return }
        if case ModelError.cancelled = error { return }
        health.failed("\(error)")
    }

    /// Whether the embeddings endpoint answers, and whether it is resting after a time-out;
    /// shared by copies. A change of answer is told once, not at every step.
    private final class Health: Sendable {
        private struct State {
            var until: ContinuousClock.Instant?
            var status = DenseStatus.on
        }

        private let state = Mutex(State())
        private let statusChanged: (@Sendable (DenseStatus) -> Void)?

        init(statusChanged: (@Sendable (DenseStatus) -> Void)?) {
            self.statusChanged = statusChanged
        }

        var status: DenseStatus { state.withLock { $0.status } }

        var isPaused: Bool {
            state.withLock { state in
                guard let end = state.until else { return false }
                if ContinuousClock.now < end { return true }
                state.until = nil
                return false
            }
        }

        func pause(for duration: Duration) {
            state.withLock { $0.until = ContinuousClock.now + duration }
        }

        func succeeded() { set(.on, telling: true) }
        func failed(_ reason: String) { set(.unavailable(reason), telling: true) }

        func set(_ status: DenseStatus, telling: Bool) {
            let changed: Bool = state.withLock { state in
                // Only a change of state is news: another failure's wording is not.
                let same = switch (state.status, status) {
                case (.on, .on), (.unavailable, .unavailable), (.off, .off): true
                default: false
                }
                state.status = status
                return !same
            }
            if changed, telling { statusChanged?(status) }
        }
    }
}

/// The dense side rests after a time-out (`Retriever.pauseAfterTimeout`).
struct RetrievalPause: Error, CustomStringConvertible {
    var description: String { "the embeddings endpoint timed out lately; BM25 alone for now" }
}
