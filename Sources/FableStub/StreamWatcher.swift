/// Told, on the stub connection's task, as a streamed reply is written: a load client's stub
/// notes when the chunks it measures from left (`PacedStoryteller`).
public protocol StreamWatcher: Sendable {
    /// Chunk `index` (from 0) is about to be handed to the socket.
    func writing(chunk index: Int)
    /// The stream ended after `chunks` chunks: written whole (`completed`), or cut short
    /// (the client closed the connection, the script cut it, or the stub stopped).
    func ended(chunks: Int, completed: Bool)
}
