import NIOCore
import NIOEmbedded
import Testing

@testable import FableTelnet

/// Shared helpers for the Telnet… suites.
enum TelnetTestIO {
    static let iac: UInt8 = 255, will: UInt8 = 251, wont: UInt8 = 252, `do`: UInt8 = 253, dont: UInt8 = 254
    static let sb: UInt8 = 250, se: UInt8 = 240, nop: UInt8 = 241
    static let echo: UInt8 = 1, sga: UInt8 = 3, ttype: UInt8 = 24, naws: UInt8 = 31, charset: UInt8 = 42
    static let mssp: UInt8 = 70, compress2: UInt8 = 86, gmcp: UInt8 = 201
    /// What the default pipeline offers: DO NAWS, DO TTYPE, WILL CHARSET, WILL GMCP, WILL COMPRESS2.
    static let offers: [UInt8] = [iac, `do`, naws, iac, `do`, ttype, iac, will, charset, iac, will, gmcp, iac, will, compress2]

    /// A channel with the whole telnet pipeline, already active (the offers are still unread).
    static func connectedPipeline(_ configuration: TelnetConfiguration = .init(),
                                  mssp: MSSPProvider? = nil) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addTelnetHandlers(configuration: configuration, mssp: mssp)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4000)).wait()
        return channel
    }

    static func writeBytes(_ channel: EmbeddedChannel, _ bytes: [UInt8]) throws {
        try channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    static func writeText(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    /// Everything written to the wire so far.
    static func outboundBytes(_ channel: EmbeddedChannel) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            bytes += buffer.readableBytesView
        }
        return bytes
    }

    static func inbound<T>(_ channel: EmbeddedChannel, as type: T.Type = T.self) throws -> [T] {
        var items: [T] = []
        while let item = try channel.readInbound(as: T.self) { items.append(item) }
        return items
    }

    /// A channel past the handshake as a telnet client (the client said WILL NAWS).
    static func telnetClient() throws -> EmbeddedChannel {
        let channel = try connectedPipeline()
        _ = try outboundBytes(channel)
        try writeBytes(channel, [iac, will, naws])
        let events: [TelnetEvent] = try inbound(channel)
        guard events == [.negotiated(isTelnetClient: true)] else {
            throw TelnetTestError.unexpected("\(events)")
        }
        return channel
    }
}

enum TelnetTestError: Error { case unexpected(String) }

@Suite struct TelnetPipelineTests {
    typealias IO = TelnetTestIO

    @Test func defaultConfiguration() {
        let configuration = TelnetConfiguration()
        #expect(configuration.lineLimit == 2048)
        #expect(configuration.handshakeTimeout == .seconds(2))
    }

    @Test func handlersComeInOrder() {
        let handlers = TelnetPipeline.handlers()
        #expect(handlers.count == 5)
        #expect(handlers[0] is MCCPCompressor)
        #expect(handlers[1] is ByteToMessageHandler<TelnetDecoder>)
        #expect(handlers[2] is TelnetFrameWriter)
        #expect(handlers[3] is TelnetNegotiator)
        #expect(handlers[4] is LineDecoder)
        // Without compression there is no compressor to hold.
        #expect(!TelnetPipeline.handlers(configuration: .init(compression: false)).contains { $0 is MCCPCompressor })
    }

    @Test func netcatSessionEndToEnd() throws {
        let channel = try IO.connectedPipeline()
        _ = try IO.outboundBytes(channel)
        // `nc` sends its first line at once; it is held until the handshake gives up.
        try IO.writeText(channel, "alice\nsecret\r\n")
        #expect(try IO.inbound(channel, as: TelnetEvent.self).isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [
            .negotiated(isTelnetClient: false), .line("alice"), .line("secret"),
        ])
        try channel.writeOutbound(TelnetOutput.text("Password: "))
        try channel.writeOutbound(TelnetOutput.hideInput(true))
        try channel.writeOutbound(TelnetOutput.keepAlive)
        try channel.writeOutbound(TelnetOutput.hideInput(false))
        try channel.writeOutbound(TelnetOutput.text("ok\n"))
        let wire = try IO.outboundBytes(channel)
        #expect(wire == Array("Password: ok\r\n".utf8))
        #expect(!wire.contains(IO.iac))
        _ = try channel.finish()
    }

    @Test func telnetSessionEndToEnd() throws {
        let channel = try IO.connectedPipeline(.init(lineLimit: 16, handshakeTimeout: .seconds(2)))
        _ = try IO.outboundBytes(channel)
        try IO.writeBytes(channel, [IO.iac, IO.will, IO.naws, IO.iac, IO.sb, IO.naws, 0, 100, 0, 30, IO.iac, IO.se]
            + Array("look\r".utf8))
        try IO.writeBytes(channel, Array("\n".utf8) + Array(String(repeating: "x", count: 20).utf8) + [13, 0])
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [
            .negotiated(isTelnetClient: true), .windowSize(width: 100, height: 30), .line("look"),
            .lineTruncated(limit: 16), .line(String(repeating: "x", count: 16)),
        ])
        _ = try channel.finish()
    }
}
