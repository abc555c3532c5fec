/// An earlier passage found in long-term memory.
public struct RetrievedPassage: Sendable, Equatable {
    public var stepID: Int64
    public var depth: Int
    public var indexLine: String
    public var passage: String
    /// BM25 from SQLite: lower is better.
    public var score: Double

    public init(stepID: Int64, depth: Int, indexLine: String, passage: String, score: Double) {
        self.stepID = stepID
        self.depth = depth
        self.indexLine = indexLine
        self.passage = passage
        self.score = score
    }
}
