/// Turns text into vectors for dense long-term search: any OpenAI-compatible
/// `/v1/embeddings` endpoint, or a test double. Optional: without one, BM25 alone searches.
public protocol Embedder: Sendable {
    /// Names the vector space: vectors of different models are never compared.
    var modelName: String { get }
    /// One L2-normalised vector per text, in order, for text that is stored and searched
    /// (passages). Throws a `ModelError`.
    func embed(_ texts: [String]) async throws -> [[Float]]
    /// Vectors for search queries. Asymmetric models (E5: "query: " and "passage: ")
    /// embed a query differently from a passage; by default the same as `embed`.
    func embedQueries(_ texts: [String]) async throws -> [[Float]]
    /// Whether `embedQueries` embeds a text otherwise than `embed` does (an asymmetric model
    /// told which a text is); by default not.
    var embedsQueriesApart: Bool { get }
}

extension Embedder {
    public func embedQueries(_ texts: [String]) async throws -> [[Float]] {
        try await embed(texts)
    }

    public var embedsQueriesApart: Bool { false }
}

extension VectorStore {
    /// One search a vector, for a store that cannot do better.
    public func denseSearchBranch(endingAt stepID: Int64, vectors: [[Float]], model: String, limit: Int) async throws
        -> [[RetrievedPassage]] {
        var lists: [[RetrievedPassage]] = []
        for vector in vectors {
            lists.append(try await denseSearchBranch(endingAt: stepID, vector: vector, model: model, limit: limit))
        }
        return lists
    }
}

/// Where the vectors of steps' pieces live, beside the steps (SQLite: `piece_vector`).
/// Kept apart from `StoryStore`, which works without it.
public protocol VectorStore: Sendable {
    /// Stores (or replaces) the vectors of pieces (`StepPieces`), made by `model`.
    func storeVectors(_ vectors: [(pieceID: Int64, vector: [Float])], model: String) async throws
    /// The `limit` steps among `stepID` and its ancestors whose best piece is most similar to
    /// `vector` (cosine, less what the store counts against a piece like many others),
    /// considering only vectors made by `model` with as many dimensions as `vector`; best
    /// first, `score` = minus that similarity; the best piece, with its cosine, in `pieces`.
    func denseSearchBranch(endingAt stepID: Int64, vector: [Float], model: String, limit: Int) async throws
        -> [RetrievedPassage]
    /// `denseSearchBranch` for several query vectors at once, one list each.
    func denseSearchBranch(endingAt stepID: Int64, vectors: [[Float]], model: String, limit: Int) async throws
        -> [[RetrievedPassage]]
    /// The pieces of up to `limit` steps of a world that have no vector from `model` (none,
    /// or another model's), newest steps first, each step's pieces in order.
    func piecesMissingVectors(worldID: Int64, model: String, limit: Int) async throws -> [StoredPiece]
}
