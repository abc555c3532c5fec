import FableTelnet
import NIOCore
import NIOWebSocket

/// Turns the client's text messages into the bytes the telnet layer's `LineDecoder` cuts into
/// lines: each message is one line (the page sends one per Enter), or several when it holds
/// line ends (a paste). The line decoder then applies the same cap, control-character rules and
/// UTF-8 repair as for telnet. Binary messages are not part of the protocol and are ignored;
/// control frames are `WebSocketControl`'s. Put it after the frame aggregator, so a message
/// split into fragments arrives whole.
public final class WebSocketTextReader: ChannelInboundHandler {
    public typealias InboundIn = WebSocketFrame
    public typealias InboundOut = TelnetInput

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        guard frame.opcode == .text else { return }
        var bytes = frame.unmaskedData
        // A message without its own line end is still a whole line.
        let last = bytes.readableBytes > 0 ? bytes.getInteger(at: bytes.writerIndex - 1, as: UInt8.self) : nil
        if last != 0x0A, last != 0x0D { bytes.writeInteger(UInt8(0x0A)) }
        context.fireChannelRead(Self.wrapInboundOut(.data(bytes)))
    }
}
