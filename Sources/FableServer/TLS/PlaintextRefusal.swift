import Logging
import NIOCore

/// Sits in front of the TLS handler of a connection to the TLS port until the client's first
/// byte. Every TLS client speaks first, and its first byte opens a handshake record (22): then
/// this handler steps aside and the bytes go on to TLS. Anything else is a plain client (telnet,
/// `nc`) on the wrong port: it is sent one line of plain text saying where to go, and the
/// connection closes; TLS never sees a byte of it. A client that sends nothing for `silence` is
/// told the same, since a TLS client would have spoken by then and a plain telnet client waits
/// for the server.
///
/// The line and the close go out from here, below the TLS handler, so they reach the client as
/// they are and not as TLS records.
final class PlaintextRefusal: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The first byte of every TLS record that opens a handshake (RFC 8446, 5.1).
    static let handshakeRecord: UInt8 = 22

    private let refusal: String
    private let silence: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?
    private var refused = false

    init(plainPort: Int, silence: TimeAmount, logger: Logger) {
        refusal = Self.refusal(plainPort: plainPort)
        self.silence = silence
        self.logger = logger
    }

    /// What a plain client on the TLS port reads.
    static func refusal(plainPort: Int) -> String {
        "This port speaks telnet over TLS: connect with a TLS client (your MUD client's SSL option, "
            + "gnutls-cli, openssl s_client), or with plain telnet to port \(plainPort).\r\n"
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startTimer(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        startTimer(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }  // what a refused client still sends is dropped
        guard let first = Self.unwrapInboundIn(data).readableBytesView.first else { return }
        if first == Self.handshakeRecord {
            timer?.cancel()
            timer = nil
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } else {
            refuse(context: context, why: "plain text")
        }
    }

    private func startTimer(context: ChannelHandlerContext) {
        guard timer == nil, !refused else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: silence) {
            let (handler, context) = bound.value
            handler.timer = nil
            handler.refuse(context: context, why: "silence")
        }
    }

    /// Writes the line and closes the way the server ends any connection (LastWords): output
    /// first, then the socket when the client hangs up or after a second. Both go out from this
    /// handler, past nothing but the socket.
    private func refuse(context: ChannelHandlerContext, why: String) {
        guard !refused else { return }
        refused = true
        timer?.cancel()
        timer = nil
        logger.info("refused a connection to the TLS port that did not speak TLS", metadata: [
            "address": "\(context.channel.remoteAddress?.ipAddress ?? "unknown")", "heard": "\(why)"])
        let text = context.channel.allocator.buffer(string: refusal)
        context.writeAndFlush(NIOAny(text), promise: nil)
        let outputClosed = context.eventLoop.makePromise(of: Void.self)
        context.close(mode: .output, promise: outputClosed)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        outputClosed.futureResult.whenFailure { _ in bound.value.close(promise: nil) }
        context.eventLoop.scheduleTask(in: .seconds(1)) { bound.value.close(promise: nil) }
    }
}
