import FableTelnet
import NIOCore

/// The last handler of a connection's pipeline: opens a `ReaderSession` when the connection
/// becomes active (or at once when added to an active one: a WebSocket's, after the HTTP
/// upgrade) and posts it what the telnet handlers read, in order, then `.disconnected`.
/// A handler rather than a task reading an async channel, so an idle connection holds no task
/// (a task keeps the memory of its deepest call chain); the session writes through the channel
/// itself (`Screen`).
final class SessionHandler: ChannelInboundHandler {
    typealias InboundIn = TelnetEvent

    private let context: GameContext
    private let connections: ConnectionLimiter
    private var session: ReaderSession?
    private var address: String?
    private let frontEnd: FrontEnd
    private var opened = false

    init(context: GameContext, connections: ConnectionLimiter, frontEnd: FrontEnd = .telnet) {
        self.context = context
        self.connections = connections
        self.frontEnd = frontEnd
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { open(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        open(context: context)
        context.fireChannelActive()
    }

    private func open(context: ChannelHandlerContext) {
        guard !opened else { return }
        opened = true
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard connections.open(address) else {
            let refusal = TelnetOutput.text(
                "Too many connections from your address (at most \(connections.perAddress)). Close one and try again.\n")
            let channel = context.channel
            // A telnet client answers the server's option requests at once: close gently, or
            // the reset that unread answers cause can cut the refusal off. Refused sockets
            // are held half as long as a reader's goodbye at most.
            channel.writeAndFlush(refusal).whenComplete { _ in channel.closeAfterLastWords(linger: .seconds(1)) }
            return
        }
        self.address = address
        let session = ReaderSession(context: self.context, channel: context.channel, address: address, frontEnd: frontEnd)
        self.session = session
        session.post(.opened)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        session?.post(.telnet(Self.unwrapInboundIn(data)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let address {
            connections.close(address)
            self.address = nil
        }
        session?.post(.disconnected)
        session = nil
        context.fireChannelInactive()
    }

    /// A broken connection (reset, a handler's error) ends the session like a hang-up.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
