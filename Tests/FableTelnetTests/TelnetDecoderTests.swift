import NIOCore
import NIOEmbedded
import Testing

@testable import FableTelnet

@Suite struct TelnetDecoderTests {
    typealias IO = TelnetTestIO

    /// Feeds `chunks` to a fresh decoder and returns its tokens with adjacent data merged.
    private func decode(_ chunks: [[UInt8]], subnegotiationLimit: Int = 1024) throws -> [TelnetToken] {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(TelnetDecoder(subnegotiationLimit: subnegotiationLimit)))
        for chunk in chunks {
            try channel.writeInbound(ByteBuffer(bytes: chunk))
        }
        var merged: [TelnetToken] = []
        for token in try IO.inbound(channel, as: TelnetToken.self) {
            if case .data(var more) = token, case .data(var last)? = merged.last {
                last.writeBuffer(&more)
                merged[merged.count - 1] = .data(last)
            } else {
                merged.append(token)
            }
        }
        _ = try channel.finish()
        return merged
    }

    /// The same tokens however the bytes are split: at every single point, and byte by byte.
    private func expectEverySplit(_ bytes: [UInt8], _ expected: [TelnetToken]) throws {
        for cut in 0...bytes.count {
            let tokens = try decode([Array(bytes[..<cut]), Array(bytes[cut...])])
            #expect(tokens == expected, "split at \(cut)")
        }
        #expect(try decode(bytes.map { [$0] }) == expected, "byte by byte")
    }

    private func data(_ bytes: [UInt8]) -> TelnetToken { .data(ByteBuffer(bytes: bytes)) }
    private func data(_ text: String) -> TelnetToken { .data(ByteBuffer(string: text)) }

    @Test func plainDataPassesThrough() throws {
        try expectEverySplit(Array("hello\r\n".utf8), [data("hello\r\n")])
    }

    @Test func doubledIACIsOneDataByte() throws {
        try expectEverySplit([0x61, IO.iac, IO.iac, 0x62], [data([0x61, 0xFF, 0x62])])
    }

    @Test func negotiationAndBareCommandsAreSeparatedFromData() throws {
        let bytes: [UInt8] = [0x61, IO.iac, IO.will, IO.naws, 0x62, IO.iac, IO.nop, 0x63, IO.iac, IO.dont, 99,
                              IO.iac, IO.wont, IO.echo, IO.iac, IO.do, IO.sga, IO.iac, 249]
        try expectEverySplit(bytes, [
            data("a"), .command(.will(IO.naws)), data("b"), .command(.other(IO.nop)), data("c"),
            .command(.dont(99)), .command(.wont(IO.echo)), .command(.do(IO.sga)), .command(.other(249)),
        ])
    }

    @Test func subnegotiationUnescapesDoubledIAC() throws {
        let bytes: [UInt8] = [IO.iac, IO.sb, IO.naws, 0, IO.iac, IO.iac, 0, 24, IO.iac, IO.se, 0x7A]
        try expectEverySplit(bytes, [.subnegotiation(option: IO.naws, payload: [0, 0xFF, 0, 24]), data("z")])
    }

    @Test func subnegotiationAtTheCapIsKept() throws {
        let payload = [UInt8](repeating: 0x41, count: 1024)
        let tokens = try decode([[IO.iac, IO.sb, IO.ttype] + payload + [IO.iac, IO.se]])
        #expect(tokens == [.subnegotiation(option: IO.ttype, payload: payload)])
    }

    @Test func overlongSubnegotiationIsDroppedUpToItsEnd() throws {
        let payload = [UInt8](repeating: 0x41, count: 1025)
        let bytes = [IO.iac, IO.sb, IO.ttype] + payload + [IO.iac, IO.iac, IO.iac, IO.se] + Array("ok".utf8)
            + [IO.iac, IO.sb, IO.naws, 0, 80, 0, 24, IO.iac, IO.se]
        let expected: [TelnetToken] = [data("ok"), .subnegotiation(option: IO.naws, payload: [0, 80, 0, 24])]
        #expect(try decode([bytes]) == expected)
        #expect(try decode(bytes.map { [$0] }) == expected)
    }

    @Test func smallCapDropsLongerSubnegotiation() throws {
        let tokens = try decode([[IO.iac, IO.sb, IO.naws, 1, 2, 3, 4, 5, IO.iac, IO.se, 0x78]], subnegotiationLimit: 4)
        #expect(tokens == [data("x")])
    }

    @Test func unterminatedSubnegotiationGivesWayToTheNextCommand() throws {
        let bytes: [UInt8] = [IO.iac, IO.sb, IO.ttype, 0, 0x78, IO.iac, IO.will, IO.echo, 0x79]
        try expectEverySplit(bytes, [.command(.will(IO.echo)), data("y")])
    }

    @Test func straySEIsIgnored() throws {
        try expectEverySplit([0x61, IO.iac, IO.se, 0x62], [data("ab")])
    }
}
