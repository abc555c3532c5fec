@testable import FableLoad
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

/// `fable load --websocket`'s handlers: the handshake, and screen text in, lines out.
@Suite struct WebSocketLoadHandlerTests {
    @Test func theHandshakeAsksForTheUpgradeAndPassesWhatFollowsTheAnswer() throws {
        let channel = EmbeddedChannel(handler: WebSocketHandshake(host: "127.0.0.1:4080"))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4080)).wait()
        let request = String(buffer: try #require(try channel.readOutbound(as: ByteBuffer.self)))
        #expect(request.hasPrefix("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:4080\r\nUpgrade: websocket\r\n"))
        try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 101 Switching Protocols\r\nUpgrade: web"))
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        try channel.writeInbound(ByteBuffer(string: "socket\r\n\r\nframe bytes"))
        #expect(try channel.readInbound(as: ByteBuffer.self).map { String(buffer: $0) } == "frame bytes")
        try channel.writeInbound(ByteBuffer(string: "more"))
        #expect(try channel.readInbound(as: ByteBuffer.self).map { String(buffer: $0) } == "more")
    }

    @Test func aRefusalIsAnError() throws {
        let channel = EmbeddedChannel(handler: WebSocketHandshake(host: "127.0.0.1:4080"))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4080)).wait()
        #expect(throws: WebSocketHandshake.Refused.self) {
            try channel.writeInbound(ByteBuffer(string: "HTTP/1.1 404 Not Found\r\n\r\n"))
        }
    }

    @Test func screenTextComesUpAndLinesGoOutAsMaskedMessages() throws {
        let channel = EmbeddedChannel(handler: WebSocketScreenText())
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: #"{"type":"text","text":"Name: "}"#)))
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .text,
                                                data: ByteBuffer(string: #"{"type":"gmcp","package":"Fable.Step","data":{}}"#)))
        #expect(try channel.readInbound(as: ByteBuffer.self).map { String(buffer: $0) } == "Name: ")
        #expect(try channel.readInbound(as: ByteBuffer.self) == nil)
        try channel.writeOutbound(ByteBuffer(string: "create reader1 secret1\r\n"))
        let frame = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(frame.opcode == .text && frame.maskKey != nil)
        #expect(String(buffer: frame.data) == "create reader1 secret1")
    }
}
