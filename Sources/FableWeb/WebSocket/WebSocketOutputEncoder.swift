import FableTelnet
import NIOCore
import NIOWebSocket

/// Turns what a session writes (`TelnetOutput`) into WebSocket frames: each output one text
/// frame holding a `WebMessage`, and the keep-alive a ping (browsers answer pings by
/// themselves, and the traffic keeps NAT and proxies from dropping an idle connection). Each
/// frame gets a buffer of its own, which goes once the socket has written it: an idle
/// connection holds no buffer sized by the longest text it was ever sent.
public final class WebSocketOutputEncoder: ChannelOutboundHandler {
    public typealias OutboundIn = TelnetOutput
    public typealias OutboundOut = WebSocketFrame

    /// A server frame's longest header: two bytes and an eight-byte length (no mask).
    static let headerRoom = 10

    public init() {}

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let output = Self.unwrapOutboundIn(data)
        guard let json = WebMessage.json(for: output) else {
            let ping = WebSocketFrame(fin: true, opcode: .ping, data: context.channel.allocator.buffer(capacity: 0))
            context.write(Self.wrapOutboundOut(ping), promise: promise)
            return
        }
        // Room before the text for the frame's header: the frame encoder puts the header there
        // when it holds the only reference to the buffer, and writes one buffer instead of two
        // (a passage streams as many small frames).
        var buffer = context.channel.allocator.buffer(capacity: Self.headerRoom + json.utf8.count)
        buffer.moveWriterIndex(forwardBy: Self.headerRoom)
        buffer.moveReaderIndex(forwardBy: Self.headerRoom)
        buffer.writeString(json)
        context.write(Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: promise)
    }
}
