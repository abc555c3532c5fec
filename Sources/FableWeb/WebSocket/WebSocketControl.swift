import NIOCore
import NIOWebSocket

/// The WebSocket's control frames, so the handlers after it see only messages: a ping is
/// answered with a pong, a pong is dropped, and the closing handshake (RFC 6455 §5.5.1) is kept
/// both ways. When the client closes, its close frame is echoed and the connection closed. When
/// the server closes (a goodbye, a refusal, a flood), a close frame goes out first, after
/// everything already written, and the socket is closed once it is sent: a browser that sees
/// the TCP stream end without one reports an abnormal closure.
public final class WebSocketControl: ChannelDuplexHandler {
    public typealias InboundIn = WebSocketFrame
    public typealias InboundOut = WebSocketFrame
    public typealias OutboundIn = WebSocketFrame
    public typealias OutboundOut = WebSocketFrame

    /// The server sent its close frame: nothing more may follow it.
    private var closeSent = false

    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = Self.unwrapInboundIn(data)
        switch frame.opcode {
        case .ping:
            guard !closeSent else { return }
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(Self.wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .connectionClose:
            guard !closeSent else {
                context.close(promise: nil)
                return
            }
            closeSent = true
            // The reply carries the client's status code (its first two bytes), no reason.
            var body = frame.unmaskedData
            let code = body.readSlice(length: 2) ?? context.channel.allocator.buffer(capacity: 0)
            let reply = WebSocketFrame(fin: true, opcode: .connectionClose, data: code)
            let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(Self.wrapOutboundOut(reply)).whenComplete { _ in loopBound.value.close(promise: nil) }
        default:
            guard !closeSent else { return }
            context.fireChannelRead(data)
        }
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard !closeSent else {
            promise?.fail(ChannelError.outputClosed)
            return
        }
        context.write(data, promise: promise)
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard !closeSent, mode != .input, context.channel.isActive else {
            context.close(mode: mode, promise: promise)
            return
        }
        closeSent = true
        var code = context.channel.allocator.buffer(capacity: 2)
        code.write(webSocketErrorCode: .normalClosure)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: code)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(Self.wrapOutboundOut(frame)).whenComplete { _ in
            loopBound.value.close(mode: mode, promise: promise)
        }
    }
}
