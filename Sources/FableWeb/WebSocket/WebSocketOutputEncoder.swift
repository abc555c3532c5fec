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

    public init() {}

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let output = Self.unwrapOutboundIn(data)
        guard let json = WebMessage.json(for: output) else {
            let ping = WebSocketFrame(fin: true, opcode: .ping, data: context.channel.allocator.buffer(capacity: 0))
            context.write(Self.wrapOutboundOut(ping), promise: promise)
            return
        }
        let buffer = context.channel.allocator.buffer(string: json)
        context.write(Self.wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, data: buffer)), promise: promise)
    }
}
