/// Pulls the `passage` string out of a JSON reply while it streams, so the reader
/// sees the passage as the model writes it. Fed raw bytes split anywhere: inside
/// escapes, inside `\uXXXX` surrogate pairs, inside UTF-8 sequences.
public struct PassageStreamDecoder: Sendable {
    /// False until the first `{`: text before it (a preamble, a code fence) is skipped, quotes
    /// included, as `StepReply.parse` skips it.
    private var objectStarted = false
    private var depth = 0
    private var expectingKey = false
    private var inString = false
    private var stringIsKey = false
    private var stringIsPassage = false
    private var escaped = false
    private var key: [UInt8] = []
    private var lastKey: [UInt8] = []
    private var passageStarted = false
    private var unicodeDigits: [UInt8]?
    private var highSurrogate: UInt32?
    /// Decoded passage bytes not yet returned (an incomplete UTF-8 sequence).
    private var pending: [UInt8] = []
    /// True once the closing quote of the passage has been read.
    public private(set) var passageFinished = false

    private static let passageKey = Array("passage".utf8)

    public init() {}

    /// Feeds the next piece of the reply; returns the passage text it completes.
    public mutating func feed(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                // Inside the passage, a run of bytes that are neither a quote nor a backslash is
                // the passage as written: copied at once, not byte by byte (every token of every
                // reply comes through here).
                if inString, stringIsPassage, !escaped, unicodeDigits == nil {
                    var end = index
                    while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
                    if end > index {
                        flushLoneSurrogate()
                        pending.append(contentsOf: bytes[index..<end])
                        index = end
                        continue
                    }
                }
                consume(bytes[index])
                index += 1
            }
            return drain()
        }
    }

    public mutating func feed<Bytes: Sequence>(bytes: Bytes) -> String where Bytes.Element == UInt8 {
        for byte in bytes { consume(byte) }
        return drain()
    }

    private mutating func consume(_ byte: UInt8) {
        if !objectStarted {
            guard byte == UInt8(ascii: "{") else { return }
            objectStarted = true
        }
        if inString {
            if stringIsPassage {
                passageByte(byte)
            } else {
                skipStringByte(byte)
            }
            return
        }
        switch byte {
        case UInt8(ascii: "\""):
            inString = true
            stringIsKey = depth == 1 && expectingKey
            stringIsPassage = depth == 1 && !expectingKey && !passageStarted && lastKey == Self.passageKey
            if stringIsKey { key.removeAll(keepingCapacity: true) }
            if stringIsPassage { passageStarted = true }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            depth += 1
            if depth == 1 { expectingKey = true }
        case UInt8(ascii: "}"), UInt8(ascii: "]"):
            depth = max(0, depth - 1)
        case UInt8(ascii: ":"):
            if depth == 1 { expectingKey = false }
        case UInt8(ascii: ","):
            if depth == 1 { expectingKey = true }
        default:
            break
        }
    }

    private mutating func skipStringByte(_ byte: UInt8) {
        if escaped {
            escaped = false
        } else if byte == UInt8(ascii: "\\") {
            escaped = true
        } else if byte == UInt8(ascii: "\"") {
            inString = false
            if stringIsKey { lastKey = Self.unescapedKey(key) }
            return
        }
        // 42 bytes hold even a fully escaped `passage`; a longer key is never it.
        if stringIsKey && key.count < 64 { key.append(byte) }
    }

    /// A key as JSON reads it (`"pass\u0061ge"` is `passage`), as `StepReply.parse` reads it.
    private static func unescapedKey(_ raw: [UInt8]) -> [UInt8] {
        guard raw.contains(UInt8(ascii: "\\")) else { return raw }
        var decoder = PassageStreamDecoder()
        return Array(decoder.feed(bytes: Array(#"{"passage":""#.utf8) + raw + [UInt8(ascii: "\"")]).utf8)
    }

    private mutating func passageByte(_ byte: UInt8) {
        if unicodeDigits != nil {
            unicodeDigits!.append(byte)
            if unicodeDigits!.count == 4 {
                let hex = String(decoding: unicodeDigits!, as: UTF8.self)
                unicodeDigits = nil
                appendEscapedScalar(UInt32(hex, radix: 16) ?? 0xFFFD)
            }
            return
        }
        if escaped {
            escaped = false
            switch byte {
            case UInt8(ascii: "n"): appendByte(0x0A)
            case UInt8(ascii: "t"): appendByte(0x09)
            case UInt8(ascii: "r"): appendByte(0x0D)
            case UInt8(ascii: "b"): appendByte(0x08)
            case UInt8(ascii: "f"): appendByte(0x0C)
            case UInt8(ascii: "u"): unicodeDigits = []
            default: appendByte(byte) // \" \\ \/
            }
            return
        }
        switch byte {
        case UInt8(ascii: "\\"):
            escaped = true
        case UInt8(ascii: "\""):
            flushLoneSurrogate()
            inString = false
            stringIsPassage = false
            passageFinished = true
        default:
            appendByte(byte)
        }
    }

    private mutating func appendEscapedScalar(_ value: UInt32) {
        switch value {
        case 0xD800...0xDBFF:
            flushLoneSurrogate()
            highSurrogate = value
        case 0xDC00...0xDFFF:
            if let high = highSurrogate {
                highSurrogate = nil
                appendScalar(0x10000 + ((high - 0xD800) << 10) + (value - 0xDC00))
            } else {
                appendScalar(0xFFFD)
            }
        default:
            flushLoneSurrogate()
            appendScalar(value)
        }
    }

    private mutating func appendByte(_ byte: UInt8) {
        flushLoneSurrogate()
        pending.append(byte)
    }

    private mutating func flushLoneSurrogate() {
        if highSurrogate != nil {
            highSurrogate = nil
            appendScalar(0xFFFD)
        }
    }

    private mutating func appendScalar(_ value: UInt32) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        pending.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    /// Returns the pending bytes up to the last complete UTF-8 sequence.
    private mutating func drain() -> String {
        guard !pending.isEmpty else { return "" }
        var cut = pending.count
        if !passageFinished {
            var index = pending.count - 1
            while index >= 0 && pending.count - index <= 4 {
                let byte = pending[index]
                if byte & 0xC0 != 0x80 {
                    let needed = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                    if pending.count - index < needed { cut = index }
                    break
                }
                index -= 1
            }
        }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }
}
