import NIOCore

/// Counts a web connection per address while it is plain HTTP (fetching the page, before its
/// WebSocket), so sockets that never become readers are held to a per-address limit as readers
/// are: over it, the connection is closed at once. Once the connection is a WebSocket the
/// handler is removed and the reader's session counts it with the telnet ones
/// (`SessionHandler`). Put it first, before the HTTP handlers.
final class HTTPConnectionCount: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    static let name = "fable.http-count"

    private let limiter: ConnectionLimiter
    private var address: String?

    init(limiter: ConnectionLimiter) {
        self.limiter = limiter
    }

    func channelActive(context: ChannelHandlerContext) {
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard limiter.open(address) else {
            context.close(promise: nil)
            return
        }
        self.address = address
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func release() {
        guard let address else { return }
        limiter.close(address)
        self.address = nil
    }
}
