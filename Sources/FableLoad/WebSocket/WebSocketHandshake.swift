import NIOCore

/// The client's side of the WebSocket opening handshake, for `fable load --websocket`: on
/// connect it sends the HTTP upgrade request, reads the server's answer up to its blank line, and
/// from then on passes bytes through (to NIOWebSocket's frame decoder). An answer other than
/// `101` is an error. Put it nearest the socket.
final class WebSocketHandshake: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Refused: Error, CustomStringConvertible {
        var answer: String
        var description: String { "the server refused the WebSocket: \(answer)" }
    }

    private let host: String
    private let path: String
    private var answer: ByteBuffer?
    private var upgraded = false

    init(host: String, path: String = "/ws") {
        self.host = host
        self.path = path
    }

    func channelActive(context: ChannelHandlerContext) {
        // A fixed key: the load generator trusts the server it measures.
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !upgraded else {
            context.fireChannelRead(data)
            return
        }
        var incoming = unwrapInboundIn(data)
        var buffered = answer ?? context.channel.allocator.buffer(capacity: 256)
        buffered.writeBuffer(&incoming)
        let view = buffered.readableBytesView
        guard let end = Self.blankLine(in: view) else {
            answer = buffered
            return
        }
        let head = buffered.readString(length: end + 4) ?? ""
        answer = nil
        guard head.hasPrefix("HTTP/1.1 101") else {
            context.fireErrorCaught(Refused(answer: String(head.prefix(80))))
            return
        }
        upgraded = true
        if buffered.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(buffered)) }
    }

    /// The offset of the CR LF CR LF that ends the answer's head.
    private static func blankLine(in bytes: ByteBufferView) -> Int? {
        guard bytes.count >= 4 else { return nil }
        var index = bytes.startIndex
        while index + 3 < bytes.endIndex {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 {
                return index - bytes.startIndex
            }
            index += 1
        }
        return nil
    }
}
