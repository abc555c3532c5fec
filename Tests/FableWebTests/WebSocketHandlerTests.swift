import FableTelnet
import FableWeb
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

@Suite struct WebSocketHandlerTests {
    private func textFrame(_ text: String, masked: Bool = true) -> WebSocketFrame {
        var frame = WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: text))
        if masked {
            let key: WebSocketMaskingKey = [1, 2, 3, 4]
            var data = frame.data
            data.webSocketMask(key)
            frame = WebSocketFrame(fin: true, opcode: .text, maskKey: key, data: data)
        }
        return frame
    }

    /// The reader, then the telnet layer's line decoder, as after an upgrade.
    private func lineChannel(lineLimit: Int = 2048) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([WebSocketTextReader(), LineDecoder(lineLimit: lineLimit)])
        return channel
    }

    private func events(_ channel: EmbeddedChannel) throws -> [TelnetEvent] {
        var events: [TelnetEvent] = []
        while let event = try channel.readInbound(as: TelnetEvent.self) { events.append(event) }
        return events
    }

    @Test func eachMessageIsALine() throws {
        let channel = try lineChannel()
        try channel.writeInbound(textFrame("connect mara secret"))
        try channel.writeInbound(textFrame("1"))
        try channel.writeInbound(textFrame(""))
        #expect(try events(channel) == [.line("connect mara secret"), .line("1"), .line("")])
    }

    @Test func aPasteOfSeveralLinesIsSeveralLines() throws {
        let channel = try lineChannel()
        try channel.writeInbound(textFrame("look\r\nsay hello\nwait\n"))
        #expect(try events(channel) == [.line("look"), .line("say hello"), .line("wait")])
    }

    @Test func controlsAreDroppedAndTheLineCapHolds() throws {
        let channel = try lineChannel(lineLimit: 8)
        try channel.writeInbound(textFrame("a\u{1B}[31mb\u{7}c"))
        try channel.writeInbound(textFrame("0123456789abc"))
        #expect(try events(channel) == [.line("a[31mbc"), .lineTruncated(limit: 8), .line("01234567")])
    }

    @Test func binaryMessagesAreIgnored() throws {
        let channel = try lineChannel()
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(string: "quit")))
        #expect(try events(channel).isEmpty)
    }

    @Test func outputBecomesJSONTextFramesAndTheKeepAliveAPing() throws {
        let channel = EmbeddedChannel(handler: WebSocketOutputEncoder())
        try channel.writeOutbound(TelnetOutput.text("Name: "))
        try channel.writeOutbound(TelnetOutput.keepAlive)
        let text = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(text.opcode == .text && text.fin)
        #expect(String(buffer: text.data) == #"{"type":"text","text":"Name: "}"#)
        let ping = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(ping.opcode == .ping && ping.data.readableBytes == 0)
    }

    @Test func theRoomLeftForTheHeaderIsNotSent() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([WebSocketFrameEncoder(), WebSocketOutputEncoder()])
        let long = String(repeating: "marsh ", count: 100)
        for text in ["Name: ", long] {
            try channel.writeOutbound(TelnetOutput.text(text))
            let json = try #require(WebMessage.json(for: .text(text)))
            var bytes = ByteBuffer()
            while var buffer = try channel.readOutbound(as: ByteBuffer.self) { bytes.writeBuffer(&buffer) }
            let header: [UInt8] = json.utf8.count < 126 ? [0x81, UInt8(json.utf8.count)]
                                                         : [0x81, 126, UInt8(json.utf8.count >> 8), UInt8(json.utf8.count & 0xFF)]
            #expect(Array(bytes.readableBytesView) == header + Array(json.utf8))
        }
    }

    @Test func aPingIsAnsweredAndNotPassedOn() throws {
        let channel = EmbeddedChannel(handler: WebSocketControl())
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "hi")))
        let pong = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(pong.opcode == .pong && String(buffer: pong.data) == "hi")
        #expect(try channel.readInbound(as: WebSocketFrame.self) == nil)
        try channel.writeInbound(textFrame("look"))
        #expect(try channel.readInbound(as: WebSocketFrame.self)?.opcode == .text)
    }

    @Test func theClientsCloseIsEchoedAndTheConnectionClosed() throws {
        let channel = EmbeddedChannel(handler: WebSocketControl())
        var code = ByteBuffer()
        code.write(webSocketErrorCode: .goingAway)
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .connectionClose, data: code))
        let reply = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(reply.opcode == .connectionClose)
        var body = reply.data
        #expect(body.readWebSocketErrorCode() == .goingAway)
        #expect(!channel.isActive)
    }

    @Test func theServersCloseSendsACloseFrameAfterWhatWasWritten() throws {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandlers([WebSocketControl(), WebSocketOutputEncoder()])
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.writeAndFlush(TelnetOutput.text("Goodbye.\n"), promise: nil)
        channel.close(mode: .output, promise: nil)
        #expect(try channel.readOutbound(as: WebSocketFrame.self)?.opcode == .text)
        let close = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(close.opcode == .connectionClose)
        var body = close.data
        #expect(body.readWebSocketErrorCode() == .normalClosure)
        // Nothing may follow the close frame.
        let late = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(TelnetOutput.text("late"), promise: late)
        #expect(throws: (any Error).self) { try late.futureResult.wait() }
    }
}
