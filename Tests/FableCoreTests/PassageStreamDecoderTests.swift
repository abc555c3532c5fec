import FableCore
import Foundation
import Testing

@Suite struct PassageStreamDecoderTests {
    static let passage = "She said \"run\" — and ran.\nNext line\t½ 中文 é 😀 \\ / end"

    static func reply(_ passage: String, escapeUnicode: Bool = false) throws -> String {
        let encoded = String(decoding: try JSONEncoder().encode(passage), as: UTF8.self)
        let body = escapeUnicode ? unicodeEscaped(encoded) : encoded
        return #"{"passage":"# + body + #","memory_change":"x","memory":"m","index_line":"i","options":["a","b","c"]}"#
    }

    /// Writes every non-ASCII scalar as \uXXXX (surrogate pairs above the BMP).
    static func unicodeEscaped(_ json: String) -> String {
        var out = ""
        for unit in json.utf16 {
            if unit < 0x80 { out.append(Character(Unicode.Scalar(unit)!)) } else { out += String(format: "\\u%04x", unit) }
        }
        return out
    }

    func decode(_ chunks: [[UInt8]]) -> String {
        var decoder = PassageStreamDecoder()
        return chunks.map { decoder.feed(bytes: $0) }.joined()
    }

    @Test func decodesWholeReply() throws {
        var decoder = PassageStreamDecoder()
        #expect(decoder.feed(try Self.reply(Self.passage)) == Self.passage)
        #expect(decoder.passageFinished)
    }

    @Test(arguments: [false, true])
    func everySplitPointGivesTheSamePassage(escapeUnicode: Bool) throws {
        let bytes = Array(try Self.reply(Self.passage, escapeUnicode: escapeUnicode).utf8)
        for cut in 0...bytes.count {
            #expect(decode([Array(bytes[..<cut]), Array(bytes[cut...])]) == Self.passage, "split at \(cut)")
        }
    }

    @Test func byteByByteNeverEmitsBrokenCharacters() throws {
        var decoder = PassageStreamDecoder()
        var pieces: [String] = []
        for byte in Array(try Self.reply(Self.passage).utf8) {
            let piece = decoder.feed(bytes: [byte])
            #expect(!piece.contains("\u{FFFD}"))
            if !piece.isEmpty { pieces.append(piece) }
        }
        #expect(pieces.joined() == Self.passage)
        #expect(pieces.count > 10, "the passage streams in pieces, not at the end")
    }

    @Test func randomChunkings() throws {
        let bytes = Array(try Self.reply(Self.passage, escapeUnicode: true).utf8)
        let seed = TestSeed.make()
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            var chunks: [[UInt8]] = []
            var index = 0
            while index < bytes.count {
                let size = Int.random(in: 1...7, using: &generator)
                chunks.append(Array(bytes[index..<min(bytes.count, index + size)]))
                index += size
            }
            #expect(decode(chunks) == Self.passage, "chunks of \(chunks.map(\.count)); \(TestSeed.replay(seed))")
        }
    }

    /// `feed(_: String)` copies runs of plain passage bytes at once; piece for piece it gives
    /// what feeding the same bytes one at a time gives.
    @Test(arguments: [false, true])
    func stringPiecesGiveWhatBytesGive(escapeUnicode: Bool) throws {
        let characters = Array(try Self.reply(Self.passage + "\\u12", escapeUnicode: escapeUnicode))
        let seed = TestSeed.make()
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            var byString = PassageStreamDecoder()
            var byByte = PassageStreamDecoder()
            var index = 0
            while index < characters.count {
                let size = Int.random(in: 1...9, using: &generator)
                let piece = String(characters[index..<min(characters.count, index + size)])
                let bytewise = piece.utf8.map { byByte.feed(bytes: [$0]) }.joined()
                #expect(byString.feed(piece) == bytewise, "piece \(piece.debugDescription) at \(index); \(TestSeed.replay(seed))")
                #expect(byString.passageFinished == byByte.passageFinished, "\(TestSeed.replay(seed))")
                index += size
            }
            #expect(byString.passageFinished, "\(TestSeed.replay(seed))")
        }
    }

    @Test func findsPassageAfterOtherFieldsAndIgnoresNestedKeys() {
        let json = #"{"outline":"the \"passage\": not this","meta":{"passage":"nor this"},"passage":"this one","options":["passage"]}"#
        var decoder = PassageStreamDecoder()
        #expect(decoder.feed(json) == "this one")
    }

    @Test func ignoresTextBeforeTheObject() {
        var decoder = PassageStreamDecoder()
        #expect(decoder.feed("```json\n{\"passage\": \"fenced\"}\n```") == "fenced")
    }

    @Test func loneSurrogateBecomesReplacementCharacter() {
        var decoder = PassageStreamDecoder()
        #expect(decoder.feed(#"{"passage":"a\ud83db"}"#) == "a\u{FFFD}b")
    }
}
