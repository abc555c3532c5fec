import FableCore

/// The vectors long-term search looks with, one a text in focus. With a model that embeds a
/// query apart from a passage (E5's "query: " and "passage: "), each text is embedded both
/// ways and the two unit vectors' mean, made unit again, is its vector: the query view places
/// a question by what would answer it, the passage view by what it says, and a fact asked for
/// in other words is found more often, and higher, by both together than by either alone.
public enum QueryEmbedding {
    public static func vectors(_ texts: [String], embedder: any Embedder) async throws -> [[Float]] {
        guard !texts.isEmpty else { return [] }
        guard embedder.embedsQueriesApart else { return try await embedder.embedQueries(texts) }
        async let asQueries = embedder.embedQueries(texts)
        async let asPassages = embedder.embed(texts)
        let (queries, passages) = try await (asQueries, asPassages)
        guard queries.count == texts.count, passages.count == texts.count else {
            throw ModelError.malformed("not one vector per query")
        }
        return try zip(queries, passages).map { query, passage in
            guard query.count == passage.count,
                  let mean = VectorMath.normalized(zip(query, passage).map { $0 + $1 }) else {
                throw ModelError.malformed("a query's two vectors do not agree")
            }
            return mean
        }
    }
}
