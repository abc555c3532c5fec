/// An earlier passage found in long-term memory.
public struct RetrievedPassage: Sendable, Equatable {
    public var stepID: Int64
    public var depth: Int
    public var indexLine: String
    public var passage: String
    /// Lower is better: BM25 as SQLite gives it, -cosine, or the fused rank's negative score.
    public var score: Double
    /// The pieces that brought it, best first, each with the ranking that found it.
    public var pieces: [RetrievedPiece]
    /// Found for one option of an unattended step beyond the search's first passages: `passage`
    /// holds only the piece that matched, and the prompt shows it on one line with the index line.
    public var isBrief = false

    public init(stepID: Int64, depth: Int, indexLine: String, passage: String, score: Double,
                pieces: [RetrievedPiece] = []) {
        self.stepID = stepID
        self.depth = depth
        self.indexLine = indexLine
        self.passage = passage
        self.score = score
        self.pieces = pieces
    }
}

/// A piece of a passage (its index line or one sentence, `StepPieces`) that a ranking found.
public struct RetrievedPiece: Sendable, Equatable {
    public enum Ranking: String, Sendable {
        case bm25 = "BM25"
        case dense
    }

    public var id: Int64
    public var text: String
    public var ranking: Ranking
    /// Its passage's place in that ranking, from 1 (0: not yet ranked).
    public var rank: Int
    /// For `ranking` only: BM25 (lower is better) or the cosine (higher is better).
    public var score: Double

    public init(id: Int64, text: String, ranking: Ranking, rank: Int = 0, score: Double) {
        self.id = id
        self.text = text
        self.ranking = ranking
        self.rank = rank
        self.score = score
    }

    /// The query it answered, when a search asked several (0: the first).
    public var query = 0
}

/// A stored piece of a step, as long-term search indexes it.
public struct StoredPiece: Sendable, Equatable {
    public var id: Int64
    public var text: String

    public init(id: Int64, text: String) {
        self.id = id
        self.text = text
    }

    public var stepID: Int64 { StepPieces.stepID(ofPiece: id) }
}
