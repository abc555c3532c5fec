import NIOCore
import NIOEmbedded
import Testing

@testable import FableTelnet

@Suite struct TelnetEncoderTests {
    typealias IO = TelnetTestIO

    private func encode(_ frames: TelnetFrame...) throws -> [UInt8] {
        let channel = EmbeddedChannel(handler: MessageToByteHandler(TelnetEncoder()))
        for frame in frames { try channel.writeOutbound(frame) }
        let bytes = try IO.outboundBytes(channel)
        _ = try channel.finish()
        return bytes
    }

    @Test func newlinesBecomeCRLF() throws {
        #expect(try encode(.text("a\nb\n\nc")) == Array("a\r\nb\r\n\r\nc".utf8))
    }

    @Test func existingCRLFStaysCRLF() throws {
        #expect(try encode(.text("a\r\nb\r\n")) == Array("a\r\nb\r\n".utf8))
    }

    @Test func bareCRGetsNUL() throws {
        #expect(try encode(.text("50%\rdone\r")) == Array("50%".utf8) + [13, 0] + Array("done".utf8) + [13, 0])
    }

    @Test func utf8TextIsSentAsIs() throws {
        // U+00FF is C3 BF in UTF-8: no raw 0xFF byte, nothing to escape.
        #expect(try encode(.text("ÿ 日本")) == Array("ÿ 日本".utf8))
    }

    @Test func commandsAndSubnegotiationsEscapeIAC() throws {
        #expect(try encode(.command(.will(IO.echo)), .command(.other(IO.nop))) == [IO.iac, IO.will, IO.echo, IO.iac, IO.nop])
        #expect(try encode(.subnegotiation(option: IO.naws, payload: [0, 0xFF, 0, 24]))
            == [IO.iac, IO.sb, IO.naws, 0, 0xFF, 0xFF, 0, 24, IO.iac, IO.se])
    }

    @Test func textWriterDoublesRawFF() {
        // Text always arrives as a String, so exercise the byte path directly.
        var buffer = ByteBuffer()
        TelnetEncoder.writeEscaped([0x41, 0xFF, 0x42], to: &buffer)
        #expect(Array(buffer.readableBytesView) == [0x41, 0xFF, 0xFF, 0x42])
    }
}
