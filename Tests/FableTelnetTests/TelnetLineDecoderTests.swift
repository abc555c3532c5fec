import NIOCore
import NIOEmbedded
import Testing

@testable import FableTelnet

@Suite struct TelnetLineDecoderTests {
    typealias IO = TelnetTestIO

    /// Feeds `chunks` (as data) to a fresh line decoder and returns its events.
    private func lines(_ chunks: [[UInt8]], limit: Int = 2048) throws -> [TelnetEvent] {
        let channel = EmbeddedChannel(handler: LineDecoder(lineLimit: limit))
        for chunk in chunks {
            try channel.writeInbound(TelnetInput.data(ByteBuffer(bytes: chunk)))
        }
        let events = try IO.inbound(channel, as: TelnetEvent.self)
        _ = try channel.finish()
        return events
    }

    private func lines(_ text: String, limit: Int = 2048) throws -> [TelnetEvent] {
        try lines([Array(text.utf8)], limit: limit)
    }

    @Test func everyLineEndEndsOneLine() throws {
        #expect(try lines("a\rb\nc\r\nd\r\0e\n") == [.line("a"), .line("b"), .line("c"), .line("d"), .line("e")])
    }

    @Test func emptyLinesAreLines() throws {
        #expect(try lines("\r\n\r\n\n") == [.line(""), .line(""), .line("")])
    }

    @Test func crlfSplitAnywhereIsOneLineEnd() throws {
        let bytes = Array("one\r\ntwo\r\0three\r\n".utf8)
        for cut in 0...bytes.count {
            #expect(try lines([Array(bytes[..<cut]), Array(bytes[cut...])]) == [.line("one"), .line("two"), .line("three")],
                    "split at \(cut)")
        }
        #expect(try lines(bytes.map { [$0] }) == [.line("one"), .line("two"), .line("three")])
    }

    @Test func loneCRThenLaterLFIsOneLineEnd() throws {
        #expect(try lines([Array("a\r".utf8), [], Array("\nb\n".utf8)]) == [.line("a"), .line("b")])
    }

    @Test func noLineUntilTheLineEnds() throws {
        #expect(try lines("partial").isEmpty)
    }

    @Test func backspaceAndDeleteEraseWholeScalars() throws {
        #expect(try lines("abc\u{8}\u{8}d\n") == [.line("ad")])
        #expect(try lines("héé\u{7F}\n") == [.line("hé")])
        #expect(try lines("日本\u{7F}語\n") == [.line("日語")])
        #expect(try lines("ok🙂\u{8}!\n") == [.line("ok!")])
        #expect(try lines("\u{7F}\u{8}x\n") == [.line("x")])
    }

    @Test func backspaceSplitFromItsLine() throws {
        #expect(try lines([Array("ab".utf8), [0x7F], Array("c\r\n".utf8)]) == [.line("ac")])
    }

    @Test func controlsAreStrippedAndTabIsSpace() throws {
        #expect(try lines("a\tb\u{1B}[31mc\u{7}\u{1}\n") == [.line("a b[31mc")])
        // C1 controls (U+009B is a one-byte CSI on some terminals) go too.
        #expect(try lines("x\u{9B}2Jy\n") == [.line("x2Jy")])
    }

    @Test func invalidUTF8IsReplaced() throws {
        #expect(try lines([[0x61, 0xC3, 0x28, 0xFF, 0x62, 0x0A]]) == [.line("a\u{FFFD}(\u{FFFD}b")])
    }

    @Test func longLineIsCutWithOneNotice() throws {
        let long = Array(String(repeating: "abcdefghij", count: 3).utf8)  // 30 bytes
        let events = try lines([Array(long[..<12]), Array(long[12...]), Array("\nnext\n".utf8)], limit: 8)
        #expect(events == [.lineTruncated(limit: 8), .line("abcdefgh"), .line("next")])
    }

    @Test func lineAtTheLimitIsNotCut() throws {
        #expect(try lines("abcdefgh\n", limit: 8) == [.line("abcdefgh")])
    }

    @Test func cutFallsOnAScalarBoundary() throws {
        // "abcé…": the cap at 4 bytes falls inside é (C3 A9).
        #expect(try lines("abcéé\n", limit: 4) == [.lineTruncated(limit: 4), .line("abc")])
        #expect(try lines("日本語\n", limit: 7) == [.lineTruncated(limit: 7), .line("日本")])
    }

    @Test func defaultLimitIs2048Bytes() throws {
        let events = try lines(String(repeating: "x", count: 5000) + "\n")
        #expect(events == [.lineTruncated(limit: 2048), .line(String(repeating: "x", count: 2048))])
    }

    @Test func eventsPassThroughInOrder() throws {
        let channel = EmbeddedChannel(handler: LineDecoder())
        try channel.writeInbound(TelnetInput.data(ByteBuffer(string: "a\n")))
        try channel.writeInbound(TelnetInput.event(.windowSize(width: 90, height: 40)))
        try channel.writeInbound(TelnetInput.data(ByteBuffer(string: "b\n")))
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.line("a"), .windowSize(width: 90, height: 40), .line("b")])
        _ = try channel.finish()
    }
}
