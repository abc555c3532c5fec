/// Whether dense retrieval is serving, for logs, `@stats` and `inspect`.
public enum DenseStatus: Sendable, Equatable, CustomStringConvertible {
    /// No embeddings endpoint is configured: BM25 alone.
    case off
    /// The embeddings endpoint answers: BM25 and dense rankings fused.
    case on
    /// Configured, but its last call failed: BM25 alone until it answers again.
    case unavailable(String)

    public var description: String {
        switch self {
        case .off: return "BM25 alone (no embeddings endpoint configured)"
        case .on: return "BM25 and dense vectors, fused"
        case .unavailable(let why): return "BM25 alone: the embeddings endpoint does not answer (\(why))"
        }
    }
}
