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
}

extension Embedder {
    public func embedQueries(_ texts: [String]) async throws -> [[Float]] {
        try await embed(texts)
    }
}

/// Where step vectors live, beside the steps (SQLite: the `step_vector` table).
/// Kept apart from `StoryStore`, which works without it.
public protocol VectorStore: Sendable {
    /// Stores (or replaces) the vector of a step, made by `model`.
    func storeVector(stepID: Int64, model: String, vector: [Float]) async throws
    /// The `limit` steps most similar to `vector` (cosine) among `stepID` and its ancestors
    /// only, considering only vectors made by `model` with as many dimensions as `vector`;
    /// best first, `score` = -cosine (lower is better, as with BM25).
    func denseSearchBranch(endingAt stepID: Int64, vector: [Float], model: String, limit: Int) async throws
        -> [RetrievedPassage]
    /// Steps of a world that have no vector from `model` (none, or another model's), newest first.
    func stepsMissingVectors(worldID: Int64, model: String, limit: Int) async throws -> [Step]
}
