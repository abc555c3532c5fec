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
            return LorePatternCache.shared.expression(for: pattern) == nil
                ? "`/\(pattern)/` is not a valid regular expression" : nil
        }
    }

    public func matches(_ text: String) -> Bool {
        matches(LoreText(text))
    }

    /// Matching against text prepared once for every key of every entry: a step checks
    /// dozens of keys against the same three sources. The key is prepared for this one call;
    /// `LoreMatcher` prepares each key once (`LoreKeyCache`).
    public func matches(_ text: LoreText) -> Bool {
        PreparedLoreKey(self).matches(text)
    }
}
