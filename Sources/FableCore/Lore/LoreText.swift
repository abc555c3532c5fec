/// A text that lore keys are looked for in, case-folded once. Word keys are matched
/// scalar by scalar here, without a regular expression.
public struct LoreText: Sendable {
    public let original: String
    let scalars: [Unicode.Scalar]
    /// Whether a character outside ASCII could match an ASCII letter of a pattern, so that a
    /// pattern's required literal must not be looked for in `scalars` (`RequiredLiteral`).
    let mayHideASCII: Bool

    public init(_ text: String) {
        original = text
        scalars = Array(Self.folded(text).unicodeScalars)
        mayHideASCII = text.utf8.contains { $0 >= 0x80 }
            && text.unicodeScalars.contains { !$0.isASCII && RequiredLiteral.mayMatchASCII($0) }
    }

    /// Whether `literal` (lower-case ASCII) appears anywhere in the text.
    func contains(literal: [Unicode.Scalar]) -> Bool {
        guard let head = literal.first, literal.count <= scalars.count else { return false }
        for start in 0...(scalars.count - literal.count) where scalars[start] == head {
            if scalars[start..<start + literal.count].elementsEqual(literal) { return true }
        }
        return false
    }

    static func folded(_ text: String) -> String {
        text.lowercased()
    }

    /// Whether the words of `phrase` appear in order, separated by whitespace, as whole
    /// words: no letter, digit or `_` just before or after, except beside Chinese or
    /// Japanese characters, which need no boundary.
    func contains(phrase parts: [[Unicode.Scalar]]) -> Bool {
        guard let first = parts.first, let head = first.first, let tail = parts.last?.last else { return false }
        let boundaryBefore = Self.isWordScalar(head)
        let boundaryAfter = Self.isWordScalar(tail)
        var start = 0
        while start + first.count <= scalars.count {
            defer { start += 1 }
            guard scalars[start] == head else { continue }
            // The scalars first, the boundaries (Unicode properties, dearer) only around a match.
            guard let end = matchEnd(of: parts, from: start) else { continue }
            if boundaryBefore, start > 0, Self.isWordScalar(scalars[start - 1]) { continue }
            if boundaryAfter, end < scalars.count, Self.isWordScalar(scalars[end]) { continue }
            return true
        }
        return false
    }

    /// Where the phrase ends when it starts at `start`, or nil.
    private func matchEnd(of parts: [[Unicode.Scalar]], from start: Int) -> Int? {
        var position = start
        for (index, part) in parts.enumerated() {
            if index > 0 {
                let gap = position
                while position < scalars.count, TextMeasure.isWhitespace(scalars[position]) { position += 1 }
                if position == gap { return nil }
            }
            guard position + part.count <= scalars.count,
                  scalars[position..<position + part.count].elementsEqual(part) else { return nil }
            position += part.count
        }
        return position
    }

    /// A letter, digit or `_` of a script that separates words with spaces.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        // ASCII, most of most stories, without a look-up of its properties: the same answer.
        if scalar.isASCII {
            return TextMeasure.isASCIILetterOrDigit(scalar) || scalar == "_"
        }
        return (scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_") && !TextMeasure.isCJK(scalar)
    }
}
