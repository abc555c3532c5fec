import FableTestSupport
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import FableTelnet

/// MSSP, GMCP and MCCP2 through the whole telnet pipeline: offered with the other options,
/// each on only once the client says DO, and nothing more for a client that ignores or refuses.
@Suite struct TelnetMUDOptionTests {
    typealias IO = TelnetTestIO
    private let iac = IO.iac

    static let variables: MSSPProvider = { port in
        [MSSPVariable("NAME", "Fable"), MSSPVariable("PLAYERS", "3"), MSSPVariable("PORT", port.map(String.init) ?? "?")]
    }

    static func mudPipeline() throws -> EmbeddedChannel {
        try IO.connectedPipeline(mssp: Self.variables)
    }

    /// The pipeline past the offers, as a telnet client that said WILL NAWS.
    static func mudClient() throws -> EmbeddedChannel {
        let channel = try mudPipeline()
        _ = try IO.outboundBytes(channel)
        try IO.writeBytes(channel, [IO.iac, IO.will, IO.naws])
        _ = try IO.inbound(channel, as: TelnetEvent.self)
        return channel
    }

    @Test func theMUDOptionsAreOfferedWithTheOthers() throws {
        let channel = try Self.mudPipeline()
        #expect(try IO.outboundBytes(channel) == [
            iac, IO.do, IO.naws, iac, IO.do, IO.ttype, iac, IO.will, IO.charset,
            iac, IO.will, IO.mssp, iac, IO.will, IO.gmcp, iac, IO.will, IO.compress2,
        ])
        _ = try channel.finish()
    }

    @Test func aPeerThatNeverAnsweredIsSentNothingButTheOffers() throws {
        let channel = try Self.mudPipeline()
        _ = try IO.outboundBytes(channel)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.negotiated(isTelnetClient: false)])
        try channel.writeOutbound(TelnetOutput.gmcp(package: "Fable.Step", json: "{}"))
        try channel.writeOutbound(TelnetOutput.keepAlive)
        try channel.writeOutbound(TelnetOutput.text("plain\n"))
        #expect(try IO.outboundBytes(channel) == Array("plain\r\n".utf8))
        // A late answer turns nothing on: no MSSP, no GMCP, no compression.
        try IO.writeBytes(channel, [iac, IO.do, IO.mssp, iac, IO.do, IO.gmcp, iac, IO.do, IO.compress2])
        try channel.writeOutbound(TelnetOutput.gmcp(package: "Fable.Step", json: "{}"))
        try channel.writeOutbound(TelnetOutput.text("still plain\n"))
        #expect(try IO.outboundBytes(channel) == Array("still plain\r\n".utf8))
        #expect(try IO.inbound(channel, as: TelnetEvent.self).isEmpty)
        _ = try channel.finish()
    }

    @Test func aClientThatRefusesTheMUDOptionsSeesNothingMore() throws {
        let channel = try Self.mudPipeline()
        _ = try IO.outboundBytes(channel)
        // What netkit telnet answers to offers it does not know.
        try IO.writeBytes(channel, [iac, IO.dont, IO.mssp, iac, IO.dont, IO.gmcp, iac, IO.dont, IO.compress2])
        #expect(try IO.outboundBytes(channel).isEmpty)
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.negotiated(isTelnetClient: true)])
        try channel.writeOutbound(TelnetOutput.gmcp(package: "Fable.Step", json: "{}"))
        try channel.writeOutbound(TelnetOutput.text("hello\n"))
        #expect(try IO.outboundBytes(channel) == Array("hello\r\n".utf8))
        _ = try channel.finish()
    }

    // MARK: MSSP

    @Test func doMSSPGetsTheVariablesOnce() throws {
        let channel = EmbeddedChannel()
        channel.localAddress = try SocketAddress(ipAddress: "127.0.0.1", port: 4000)
        try channel.pipeline.syncOperations.addTelnetHandlers(mssp: Self.variables)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 50000)).wait()
        _ = try IO.outboundBytes(channel)
        try IO.writeBytes(channel, [iac, IO.do, IO.mssp])
        let reply = [iac, IO.sb, IO.mssp] + [1] + Array("NAME".utf8) + [2] + Array("Fable".utf8)
            + [1] + Array("PLAYERS".utf8) + [2] + Array("3".utf8) + [1] + Array("PORT".utf8) + [2] + Array("4000".utf8)
            + [iac, IO.se]
        #expect(try IO.outboundBytes(channel) == reply)
        // Off and on again: acknowledged, never repeated.
        try IO.writeBytes(channel, [iac, IO.dont, IO.mssp])
        #expect(try IO.outboundBytes(channel) == [iac, IO.wont, IO.mssp])
        try IO.writeBytes(channel, [iac, IO.do, IO.mssp])
        #expect(try IO.outboundBytes(channel) == [iac, IO.will, IO.mssp])
        _ = try channel.finish()
    }

    @Test func withoutAProviderMSSPIsRefused() throws {
        let channel = try IO.telnetClient()
        try IO.writeBytes(channel, [iac, IO.do, IO.mssp])
        #expect(try IO.outboundBytes(channel) == [iac, IO.wont, IO.mssp])
        _ = try channel.finish()
    }

    @Test func msspValuesCannotBreakTheFraming() {
        let payload = MSSP.payload([MSSPVariable("NA\u{1}ME", "a\u{0}b\u{2}c")])
        #expect(payload == [1] + Array("NAME".utf8) + [2] + Array("abc".utf8))
    }

    // MARK: GMCP

    @Test func gmcpFlowsBothWaysOnlyWhileOn() throws {
        let channel = try Self.mudClient()
        // Before DO GMCP: neither way.
        try channel.writeOutbound(TelnetOutput.gmcp(package: "Fable.Step", json: "{}"))
        try IO.writeBytes(channel, [iac, IO.sb, IO.gmcp] + Array("Core.Hello {}".utf8) + [iac, IO.se])
        #expect(try IO.outboundBytes(channel).isEmpty)
        #expect(try IO.inbound(channel, as: TelnetEvent.self).isEmpty)

        try IO.writeBytes(channel, [iac, IO.do, IO.gmcp])
        #expect(try IO.outboundBytes(channel).isEmpty)  // the answer to our WILL is not answered
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.gmcpEnabled(true)])

        let json = #"{"options":["Ring the bell ÿ"],"step":2}"#
        try channel.writeOutbound(TelnetOutput.gmcp(package: "Fable.Step", json: json))
        // UTF-8 never holds 0xFF, but the payload is escaped all the same.
        #expect(try IO.outboundBytes(channel) == [iac, IO.sb, IO.gmcp] + Array("Fable.Step \(json)".utf8) + [iac, IO.se])

        let hello = #"{"client":"Mudlet","version":"4.17"}"#
        try IO.writeBytes(channel, [iac, IO.sb, IO.gmcp] + Array("Core.Hello \(hello)".utf8) + [iac, IO.se])
        try IO.writeBytes(channel, [iac, IO.sb, IO.gmcp] + Array("Core.Ping".utf8) + [iac, IO.se])
        try IO.writeBytes(channel, [iac, IO.sb, IO.gmcp] + Array("\u{1B}[2J {}".utf8) + [iac, IO.se])  // not a name
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [
            .gmcp(package: "Core.Hello", json: hello), .gmcp(package: "Core.Ping", json: ""),
        ])

        try IO.writeBytes(channel, [iac, IO.dont, IO.gmcp])
        #expect(try IO.outboundBytes(channel) == [iac, IO.wont, IO.gmcp])
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.gmcpEnabled(false)])
        try channel.writeOutbound(TelnetOutput.gmcp(package: "Fable.Step", json: "{}"))
        #expect(try IO.outboundBytes(channel).isEmpty)
        _ = try channel.finish()
    }

    // MARK: MCCP2

    @Test func afterDoCompress2EveryByteIsOneZlibStreamThatEndsOnClose() throws {
        let channel = try Self.mudClient()
        try IO.writeBytes(channel, [iac, IO.do, IO.compress2])
        let start = try IO.outboundBytes(channel)
        #expect(start.starts(with: [iac, IO.sb, IO.compress2, iac, IO.se]))
        let inflater = try Inflater()
        var stream = Array(start.dropFirst(5))
        #expect(try inflater.inflate(stream).output.isEmpty)

        // Each write can be read as soon as it arrives: nothing waits inside zlib.
        var shown: [UInt8] = []
        for text in ["Name: ", "Welcome, ada.\n", String(repeating: "The marsh is wide and grey. ", count: 40) + "\n"] {
            try channel.writeOutbound(TelnetOutput.text(text))
            let more = try IO.outboundBytes(channel)
            stream += more
            shown += try inflater.inflate(more).output
            #expect(shown == Array(Self.wire("Name: Welcome, ada.\n" + String(repeating: "The marsh is wide and grey. ", count: 40) + "\n").prefix(shown.count)))
        }
        #expect(shown == Self.wire("Name: Welcome, ada.\n" + String(repeating: "The marsh is wide and grey. ", count: 40) + "\n"))
        #expect(stream.count < shown.count / 3, "repetitive text compresses: \(stream.count) bytes for \(shown.count)")
        // Telnet commands go through the stream too.
        try channel.writeOutbound(TelnetOutput.keepAlive)
        #expect(try inflater.inflate(IO.outboundBytes(channel)).output == [iac, IO.nop])

        try channel.close(mode: .output).wait()
        _ = try inflater.inflate(IO.outboundBytes(channel))
        #expect(inflater.ended, "the stream ends before the output is shut")
        _ = try channel.finish(acceptAlreadyClosed: true)
    }

    @Test func dontCompress2EndsTheStreamAndPlainBytesFollow() throws {
        let channel = try Self.mudClient()
        try IO.writeBytes(channel, [iac, IO.do, IO.compress2])
        #expect(try IO.outboundBytes(channel) == [iac, IO.sb, IO.compress2, iac, IO.se])
        let inflater = try Inflater()
        try channel.writeOutbound(TelnetOutput.text("squeezed\n"))
        var stream = try IO.outboundBytes(channel)
        try IO.writeBytes(channel, [iac, IO.dont, IO.compress2])
        stream += try IO.outboundBytes(channel)
        try channel.writeOutbound(TelnetOutput.text("plain again\n"))
        stream += try IO.outboundBytes(channel)

        let (inside, consumed) = try inflater.inflate(stream)
        #expect(inflater.ended)
        #expect(inside == Array("squeezed\r\n".utf8) + [iac, IO.wont, IO.compress2])
        #expect(Array(stream[consumed...]) == Array("plain again\r\n".utf8))
        // Once per connection: a second DO is refused.
        try IO.writeBytes(channel, [iac, IO.do, IO.compress2])
        #expect(try IO.outboundBytes(channel) == [iac, IO.wont, IO.compress2])
        _ = try channel.finish()
    }

    /// The bytes the encoder puts on the wire for `text`.
    static func wire(_ text: String) -> [UInt8] {
        var buffer = ByteBuffer()
        TelnetEncoder.writeText(text, to: &buffer)
        return Array(buffer.readableBytesView)
    }
}

/// `MCCPCompressor` alone: bytes in, one zlib stream out once started.
@Suite struct MCCPCompressorTests {
    static func channel() throws -> (EmbeddedChannel, MCCPCompressor) {
        let compressor = MCCPCompressor()
        let channel = EmbeddedChannel(handler: compressor)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4000)).wait()
        return (channel, compressor)
    }

    static func write(_ channel: EmbeddedChannel, _ bytes: [UInt8]) throws -> [UInt8] {
        try channel.writeAndFlush(ByteBuffer(bytes: bytes)).wait()
        return try TelnetTestIO.outboundBytes(channel)
    }

    @Test func bytesPassUntouchedUntilStarted() throws {
        let (channel, compressor) = try Self.channel()
        #expect(try Self.write(channel, [255, 251, 86]) == [255, 251, 86])
        #expect(!compressor.isCompressing && compressor.streamBytes == 0)
        _ = try channel.finish()
    }

    @Test func startedBytesInflateToExactlyWhatWasWritten() throws {
        let (channel, compressor) = try Self.channel()
        try channel.triggerUserOutboundEvent(TelnetCompressionEvent.start).wait()
        #expect(compressor.isCompressing)
        let inflater = try Inflater()
        // Every byte value, a long run and a large write: more than one output buffer's worth.
        var random = SystemRandomNumberGenerator()
        let noise = (0..<70_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        for input in [Array(0...255), [UInt8](repeating: 0x41, count: 10_000), noise, Array("end\r\n".utf8)] {
            let out = try Self.write(channel, input)
            #expect(try inflater.inflate(out).output == input)
        }
        _ = try channel.finish()
    }

    @Test func closingEndsTheStreamAndFreesIt() throws {
        let (channel, compressor) = try Self.channel()
        try channel.triggerUserOutboundEvent(TelnetCompressionEvent.start).wait()
        let inflater = try Inflater()
        _ = try inflater.inflate(Self.write(channel, Array("Goodbye.\r\n".utf8)))
        #expect(!inflater.ended)
        try channel.close().wait()
        _ = try inflater.inflate(TelnetTestIO.outboundBytes(channel))
        #expect(inflater.ended)
        #expect(!compressor.isCompressing)
    }

    @Test func otherEventsPassThrough() throws {
        let (channel, _) = try Self.channel()
        let seen = Mutex<[String]>([])
        final class Recorder: ChannelOutboundHandler, Sendable {
            typealias OutboundIn = ByteBuffer
            let seen: @Sendable (String) -> Void
            init(_ seen: @escaping @Sendable (String) -> Void) { self.seen = seen }
            func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
                seen("\(event)")
                promise?.succeed()
            }
        }
        try channel.pipeline.syncOperations.addHandler(Recorder { text in seen.withLock { $0.append(text) } }, position: .first)
        try channel.triggerUserOutboundEvent("other").wait()
        try channel.triggerUserOutboundEvent(TelnetCompressionEvent.start).wait()
        #expect(seen.withLock { $0 } == ["other"])
        _ = try channel.finish()
    }

    /// What an idle compressed connection holds for its stream, on top of what any
    /// connection holds (docs/protocol.md): zlib's state, window and tables, measured.
    @Test func theStreamIsSmall() throws {
        let (channel, compressor) = try Self.channel()
        try channel.triggerUserOutboundEvent(TelnetCompressionEvent.start).wait()
        let bytes = compressor.streamBytes
        #expect(bytes > 8_000 && bytes <= 16 * 1024, "zlib holds \(bytes) bytes")
        print("MCCP2 stream: zlib holds \(bytes) bytes")
        _ = try Self.write(channel, Array(String(repeating: "x", count: 100_000).utf8))
        #expect(compressor.streamBytes == bytes, "nothing more is allocated while compressing")
        _ = try channel.finish()
    }
}
