import FableTelnet
import FableWeb
import NIOCore
import NIOEmbedded
import NIOWebSocket
import Testing

/// The whole web pipeline on an `EmbeddedChannel`: raw HTTP bytes in, bytes out.
@Suite struct WebPipelineTests {
    /// Collects what the pipeline hands the session.
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = TelnetEvent
        typealias InboundOut = TelnetEvent
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { context.fireChannelRead(data) }
    }

    private func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try WebPipeline.configure(channel) { channel in
            try channel.pipeline.syncOperations.addHandler(Collector())
        }
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    private func output(_ channel: EmbeddedChannel) throws -> String {
        var all = ByteBuffer()
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&buffer) }
        return String(buffer: all)
    }

    /// One request on a connection of its own (each answer closes its connection).
    private func get(_ path: String, method: String = "GET") throws -> String {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n\r\n"))
        channel.embeddedEventLoop.run()
        let answer = try output(channel)
        #expect(!channel.isActive, "the connection is closed after its answer")
        return answer
    }

    @Test func servesThePageItsStyleAndItsScript() throws {
        let page = try get("/")
        #expect(page.hasPrefix("HTTP/1.1 200 OK"))
        #expect(page.contains("content-type: text/html; charset=utf-8") || page.contains("Content-Type: text/html; charset=utf-8"))
        #expect(page.contains("Content-Security-Policy: default-src 'self'"))
        #expect(page.contains(#"aria-live="polite""#) && page.contains(#"<script src="/fable.js" defer>"#))
        #expect(page.contains("Connection: close") || page.contains("connection: close"))
        #expect(try get("/fable.js").contains("new WebSocket("))
        #expect(try get("/fable.css").contains("pre-wrap"))
        #expect(try get("/index.html?x=1").hasPrefix("HTTP/1.1 200 OK"))
    }

    @Test func anythingElseIsNotFoundOrNotAllowed() throws {
        #expect(try get("/etc/passwd").hasPrefix("HTTP/1.1 404 Not Found"))
        let post = try get("/", method: "POST")
        #expect(post.hasPrefix("HTTP/1.1 405 Method Not Allowed") && post.contains("Allow: GET, HEAD"))
        let head = try get("/", method: "HEAD")
        #expect(head.hasPrefix("HTTP/1.1 200 OK") && !head.contains("<html"))
    }

    @Test func anIdleHTTPConnectionIsClosed() throws {
        let channel = EmbeddedChannel()
        try WebPipeline.configure(channel, configuration: WebConfiguration(idleTime: .seconds(30))) { _ in }
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(!channel.isActive)
    }

    @Test func theUpgradeTurnsTheConnectionIntoLines() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
        channel.embeddedEventLoop.run()
        let answer = try output(channel)
        #expect(answer.hasPrefix("HTTP/1.1 101 Switching Protocols"))
        #expect(answer.contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
                || answer.contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="))
        // A masked text frame, as a browser sends it.
        let payload = Array("create mara secret1".utf8)
        let mask: [UInt8] = [9, 8, 7, 6]
        var frame = ByteBuffer(bytes: [0x81, 0x80 | UInt8(payload.count)] + mask)
        frame.writeBytes(payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
        try channel.writeInbound(frame)
        #expect(try channel.readInbound(as: TelnetEvent.self) == .line("create mara secret1"))
        // The server's text goes out as an unmasked text frame holding a JSON message.
        try channel.writeOutbound(TelnetOutput.text("Welcome"))
        channel.embeddedEventLoop.run()
        var sent = ByteBuffer()
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { sent.writeBuffer(&buffer) }
        let json = #"{"type":"text","text":"Welcome"}"#
        #expect(Array(sent.readableBytesView) == [0x81, UInt8(json.utf8.count)] + Array(json.utf8))
        // The HTTP page handler is gone: the connection is not closed as an idle HTTP one.
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive)
    }

    @Test func anOversizedMessageClosesTheConnection() throws {
        let channel = EmbeddedChannel()
        try WebPipeline.configure(channel, configuration: WebConfiguration(messageLimit: 64)) { channel in
            try channel.pipeline.syncOperations.addHandler(Collector())
        }
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(ByteBuffer(string: "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
        channel.embeddedEventLoop.run()
        _ = try output(channel)
        var frame = ByteBuffer(bytes: [0x81, 0x80 | 126, 0, 200, 1, 2, 3, 4])
        frame.writeBytes([UInt8](repeating: 0x61, count: 200))
        _ = try? channel.writeInbound(frame)
        channel.embeddedEventLoop.run()
        #expect(try channel.readInbound(as: TelnetEvent.self) == nil)
        #expect(!channel.isActive)
    }
}
