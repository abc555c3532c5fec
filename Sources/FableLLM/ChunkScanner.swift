/// Reads the one chunk shape a streaming chat completion sends for every token,
/// `{"choices":[{"delta":{"content":"…"},"finish_reason":null,…}],…}`, without `JSONDecoder`:
/// it runs for every token of every reader, and `JSONDecoder` is a large share of the server's
/// CPU at that rate.
///
/// Strict: it accepts only valid JSON, and returns nil for anything it does not fully
/// understand (escaped keys, a key it reads given twice, `usage` or `error`, deep nesting),
/// so the caller decodes those with `JSONDecoder`. Whatever it accepts, `JSONDecoder`
/// reads the same way (`ChunkScannerTests` checks that on mutated chunks).
struct ChunkScanner {
    struct Delta: Equatable {
        var content: String?
        var finishReason: String?
    }

    /// The keys it reads, told apart by their bytes (no String per key: this runs for every token).
    private enum Key {
        case choices, usage, error, delta, finishReason, content, other

        init(_ bytes: ArraySlice<UInt8>) {
            func equals(_ word: StaticString) -> Bool {
                word.withUTF8Buffer { bytes.elementsEqual($0) }
            }
            self = if equals("content") { .content } else if equals("delta") { .delta }
                else if equals("finish_reason") { .finishReason } else if equals("choices") { .choices }
                else if equals("usage") { .usage } else if equals("error") { .error } else { .other }
        }
    }

    private let bytes: [UInt8]
    private var position = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    static func delta(in bytes: [UInt8]) -> Delta? {
        var scanner = ChunkScanner(bytes)
        guard let delta = scanner.chunk() else { return nil }
        scanner.skipSpace()
        return scanner.position == bytes.count ? delta : nil
    }

    // MARK: The chunk

    private mutating func chunk() -> Delta? {
        var delta = Delta()
        var sawChoices = false
        let ok = members { key, scanner in
            switch key {
            case .choices:
                guard !sawChoices else { return false }
                sawChoices = true
                guard let first = scanner.choices() else { return false }
                delta = first
                return true
            case .usage, .error:
                // Rare (the last chunk, a failure): the full decoder reads those.
                return scanner.literal("null")
            default:
                return scanner.skipValue(depth: 1)
            }
        }
        return ok ? delta : nil
    }

    /// The `choices` array: the first choice's delta; the others are skipped, as the decoder's reader does.
    private mutating func choices() -> Delta? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var first = Delta()
        var index = 0
        skipSpace()
        if take(UInt8(ascii: "]")) { return first }
        while true {
            skipSpace()
            if index == 0 {
                guard let choice = choice() else { return nil }
                first = choice
            } else if !skipValue(depth: 2) {
                return nil
            }
            index += 1
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "]")) ? first : nil
        }
    }

    private mutating func choice() -> Delta? {
        var delta = Delta()
        var sawDelta = false
        var sawReason = false
        let ok = members { key, scanner in
            switch key {
            case .finishReason:
                guard !sawReason, let reason = scanner.nullableString() else { return false }
                sawReason = true
                delta.finishReason = reason
                return true
            case .delta:
                guard !sawDelta, let content = scanner.deltaContent() else { return false }
                sawDelta = true
                delta.content = content
                return true
            default:
                return scanner.skipValue(depth: 3)
            }
        }
        return ok ? delta : nil
    }

    /// The delta object's `content` (nil when absent or null), or nil when unreadable.
    private mutating func deltaContent() -> String?? {
        if literal("null") { return .some(nil) }
        var content: String?
        var seen = false
        let ok = members { key, scanner in
            guard key == .content else { return scanner.skipValue(depth: 4) }
            guard !seen, let value = scanner.nullableString() else { return false }
            seen = true
            content = value
            return true
        }
        return ok ? .some(content) : nil
    }

    // MARK: JSON pieces

    /// Walks an object's members, handing each key (unescaped keys only) to `member`,
    /// which must consume the value.
    private mutating func members(_ member: (Key, inout ChunkScanner) -> Bool) -> Bool {
        skipSpace()
        guard take(UInt8(ascii: "{")) else { return false }
        skipSpace()
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipSpace()
            guard let key = plainKey() else { return false }
            skipSpace()
            guard take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            guard member(key, &self) else { return false }
            skipSpace()
            if take(UInt8(ascii: ",")) { continue }
            return take(UInt8(ascii: "}"))
        }
    }

    /// A key without escapes (an escaped key could spell one of ours: leave it to the decoder).
    private mutating func plainKey() -> Key? {
        guard case .text(let key) = plainString() else { return nil }
        return Key(key)
    }

    private enum PlainString {
        /// The bytes between the quotes: valid UTF-8, no escape.
        case text(ArraySlice<UInt8>)
        /// An escape: read it with `string()`.
        case escaped
        /// Not a valid string (a control byte, invalid UTF-8, no closing quote).
        case invalid
    }

    /// A string read up to its closing quote as long as it has no escape, checked as the
    /// decoder would check it, without building a String (keys, ids and names in every chunk).
    private mutating func plainString() -> PlainString {
        guard take(UInt8(ascii: "\"")) else { return .invalid }
        let start = position
        var ascii = true
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                let text = bytes[start ..< position - 1]
                // Ours are ASCII; any other text must still be valid UTF-8, as the decoder requires.
                return ascii || String(validating: text, as: UTF8.self) != nil ? .text(text) : .invalid
            }
            if byte == UInt8(ascii: "\\") { return .escaped }
            if byte < 0x20 { return .invalid }
            ascii = ascii && byte < 0x80
            position += 1
        }
        return .invalid
    }

    /// A string or null: `.some(nil)` for null, nil when it is neither or invalid.
    private mutating func nullableString() -> String?? {
        if literal("null") { return .some(nil) }
        guard let text = string() else { return nil }
        return .some(text)
    }

    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        var out: [UInt8] = []
        let start = position
        var runStart = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                defer { position += 1 }
                // Without escapes (most tokens) the bytes are the string: no copy first.
                if out.isEmpty, runStart == start { return String(validating: bytes[start..<position], as: UTF8.self) }
                out.append(contentsOf: bytes[runStart..<position])
                return String(validating: out, as: UTF8.self)
            }
            if byte < 0x20 { return nil }
            if byte == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[runStart..<position])
                position += 1
                guard escape(into: &out) else { return nil }
                runStart = position
            } else {
                position += 1
            }
        }
        return nil
    }

    /// A string checked as `string()` checks it, not kept.
    private mutating func skipString() -> Bool {
        let start = position
        switch plainString() {
        case .text: return true
        case .invalid: return false
        case .escaped:
            position = start
            return string() != nil
        }
    }

    /// One escape after the backslash, appended as UTF-8.
    private mutating func escape(into out: inout [UInt8]) -> Bool {
        guard position < bytes.count else { return false }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(byte)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            guard let unit = hex4() else { return false }
            var scalar: Unicode.Scalar?
            if (0xD800...0xDBFF).contains(unit) {
                // A high surrogate must be followed by an escaped low one.
                guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(),
                      (0xDC00...0xDFFF).contains(low) else { return false }
                scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            } else {
                scalar = Unicode.Scalar(unit)
            }
            guard let scalar else { return false }
            UTF8.encode(scalar) { out.append($0) }
        default:
            return false
        }
        return true
    }

    private mutating func hex4() -> UInt32? {
        guard position + 4 <= bytes.count else { return nil }
        var value: UInt32 = 0
        for byte in bytes[position..<position + 4] {
            guard let digit = Self.hexValue(byte) else { return nil }
            value = value << 4 | digit
        }
        position += 4
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// Any value, checked for validity but not kept. Deep nesting is left to the decoder.
    private mutating func skipValue(depth: Int) -> Bool {
        guard depth < 32, position < bytes.count else { return false }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return skipString()
        case UInt8(ascii: "{"):
            return members { _, scanner in scanner.skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            position += 1
            skipSpace()
            if take(UInt8(ascii: "]")) { return true }
            while true {
                skipSpace()
                guard skipValue(depth: depth + 1) else { return false }
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                return take(UInt8(ascii: "]"))
            }
        case UInt8(ascii: "t"): return literal("true")
        case UInt8(ascii: "f"): return literal("false")
        case UInt8(ascii: "n"): return literal("null")
        default: return number()
        }
    }

    /// A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func number() -> Bool {
        _ = take(UInt8(ascii: "-"))
        if take(UInt8(ascii: "0")) {
        } else {
            guard digits() else { return false }
        }
        if take(UInt8(ascii: ".")) { guard digits() else { return false } }
        if take(UInt8(ascii: "e")) || take(UInt8(ascii: "E")) {
            _ = take(UInt8(ascii: "+")) || take(UInt8(ascii: "-"))
            guard digits() else { return false }
        }
        return true
    }

    private mutating func digits() -> Bool {
        let start = position
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
        return position > start
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        let matches = word.withUTF8Buffer { bytes[position..<position + count].elementsEqual($0) }
        if matches { position += count }
        return matches
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func skipSpace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }
}
