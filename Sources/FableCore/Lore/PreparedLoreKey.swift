import Foundation

/// A lore key made ready to match: a word key's words case-folded and split, a pattern
/// compiled. Done once per key (see `LoreKeyCache`), not once per check: a step checks every
/// key against three texts, and preparing a word key cost more than matching it.
enum PreparedLoreKey: @unchecked Sendable {
    // @unchecked: NSRegularExpression is immutable after init and safe to match from any thread.

    /// The key's words, case-folded, matched as a phrase (`LoreText.contains(phrase:)`).
    case words([[Unicode.Scalar]])
    /// nil for a pattern that does not compile: it matches nothing. `required`: the text it
    /// needs (`RequiredLiteral`), looked for before ICU is asked.
    case pattern(NSRegularExpression?, required: [Unicode.Scalar]?)

    init(_ key: LoreKey) {
        switch key {
        case .words(let words):
            let parts = LoreText.folded(words).unicodeScalars.split(whereSeparator: \.properties.isWhitespace)
            self = .words(parts.map(Array.init))
        case .pattern(let pattern):
            // Compiled once per process: ICU builds its sets anew for every compilation.
            self = .pattern(LorePatternCache.shared.expression(for: pattern), required: RequiredLiteral.of(pattern))
        }
    }

    func matches(_ text: LoreText) -> Bool {
        guard !text.original.isEmpty else { return false }
        switch self {
        case .pattern(let expression, let required):
            guard let expression else { return false }
            if let required, !text.mayHideASCII, !text.contains(literal: required) { return false }
            let original = text.original
            return expression.firstMatch(in: original, range: NSRange(original.startIndex..., in: original)) != nil
        case .words(let parts):
            return text.contains(phrase: parts)
        }
    }
}
