import Synchronization

/// Equivalent embeddings servers (the same model on each), taken in turn, so requests made at
/// the same time run on different servers: a query's two views, or the halves of a batch. A
/// server that refuses connections is passed over for the next.
final class EmbeddingsEndpoints: Sendable {
    /// Each server's `…/embeddings` URL.
    let urls: [String]
    private let turn = Mutex(0)

    init(baseURLs: [String]) {
        urls = baseURLs.map { APIEndpoint.url($0, "embeddings") }
    }

    /// Every server once, starting with the one whose turn it is.
    func order() -> [String] {
        guard urls.count > 1 else { return urls }
        let first = turn.withLock { turn in
            defer { turn = (turn + 1) % urls.count }
            return turn
        }
        return Array(urls[first...] + urls[..<first])
    }
}
