import Foundation
import NIOCore
import NIOWebSocket

/// Makes a WebSocket reader look like a raw telnet one to `LoadConnection`: the screen text of
/// the server's `{"type":"text"}` messages comes up as bytes (other messages are dropped), and
/// each line written down (`LINE\r\n`) goes out as one masked text message, as the page sends it.
final class WebSocketScreenText: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    private struct Message: Decodable {
        var type: String
        var text: String?
    }

    private let decoder = JSONDecoder()

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let body = frame.unmaskedData
            guard let message = try? decoder.decode(Message.self, from: Data(body.readableBytesView)),
                  message.type == "text", let text = message.text else { return }
            context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(string: text)))
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        var line = unwrapOutboundIn(data)
        while let last = line.getInteger(at: line.writerIndex - 1, as: UInt8.self), line.readableBytes > 0,
              last == 0x0A || last == 0x0D {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: line)),
                      promise: promise)
    }
}
