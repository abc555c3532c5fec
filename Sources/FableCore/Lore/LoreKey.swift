import Foundation

/// One trigger of a lore entry. Both kinds ignore case.
///
/// - A word or phrase matches whole words only: `mill` matches `the Mill.` but not
///   `millstone`; the words of a phrase may be split by any whitespace. Next to Chinese
///   or Japanese characters, which have no spaces between words, no boundary is needed.
/// - `/pattern/` is an ICU regular expression (NSRegularExpression), e.g. `/wolf|wolves/`.
public enum LoreKey: Sendable, Equatable {
    case words(String)
    case pattern(String)

    public init(_ written: String) {
        let trimmed = written.trimmingCharacters(in: .whitespaces)
        if trimmed.count >= 2, trimmed.hasPrefix("/"), trimmed.hasSuffix("/") {
            self = .pattern(String(trimmed.dropFirst().dropLast()))
        } else {
            self = .words(trimmed)
        }
    }

    /// What is wrong with the key, or nil when it can be used.
    public var problem: String? {
        switch self {
        case .words(let words):
            return words.isEmpty ? "the key is empty" : nil
        case .pattern(let pattern):
            if pattern.isEmpty { return "the regular expression between the slashes is empty" }
            do {
                _ = try NSRegularExpression(pattern: pattern)
                return nil
            } catch {
                return "`/\(pattern)/` is not a valid regular expression"
            }
        }
    }

    public func matches(_ text: String) -> Bool {
        guard !text.isEmpty, let expression = expression() else { return false }
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    /// A letter or digit of a script that separates words with spaces.
    private static let wordCharacter = #"[\p{L}\p{N}_&&[^\p{Han}\p{Hiragana}\p{Katakana}]]"#

    func expression() -> NSRegularExpression? {
        switch self {
        case .pattern(let pattern):
            return try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        case .words(let words):
            let parts = words.split(whereSeparator: \.isWhitespace)
            guard let first = parts.first?.unicodeScalars.first, let last = parts.last?.unicodeScalars.last else { return nil }
            var pattern = parts.map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: #"\s+"#)
            if Self.needsBoundary(first) { pattern = "(?<!\(Self.wordCharacter))" + pattern }
            if Self.needsBoundary(last) { pattern += "(?!\(Self.wordCharacter))" }
            return try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        }
    }

    private static func needsBoundary(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_") && !TextMeasure.isCJK(scalar)
    }
}
