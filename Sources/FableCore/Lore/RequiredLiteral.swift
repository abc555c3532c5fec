/// The plain text a `/pattern/` lore key cannot match without: its leading run of ASCII
/// letters, digits and spaces (`/strange lights?/` needs `strange light`). Looking for it
/// before ICU spares most calls: each hands the whole text to ICU anew, and a story's
/// patterns are checked against three texts at every step.
enum RequiredLiteral {
    /// Lower-cased; nil when the pattern has no such run of at least two characters, or an
    /// alternative outside any group (`a|b`), which would make the run optional.
    static func of(_ pattern: String) -> [Unicode.Scalar]? {
        guard !hasTopLevelAlternative(pattern) else { return nil }
        var literal: [Unicode.Scalar] = []
        for scalar in pattern.unicodeScalars {
            if isPlain(scalar) {
                literal.append(scalar)
                continue
            }
            // A quantifier that allows none of the character before it takes that one away.
            if scalar == "?" || scalar == "*" || scalar == "{", !literal.isEmpty { literal.removeLast() }
            break
        }
        guard literal.count >= 2 else { return nil }
        // Folded as the texts are, so the two compare scalar by scalar.
        return Array(LoreText.folded(String(String.UnicodeScalarView(literal))).unicodeScalars)
    }

    /// A `|` outside parentheses, not escaped; also true, to be safe, for one in brackets and
    /// when the nesting cannot be followed (unbalanced).
    static func hasTopLevelAlternative(_ pattern: String) -> Bool {
        var groups = 0
        var brackets = 0
        var escaped = false
        for scalar in pattern.unicodeScalars {
            if escaped {
                escaped = false
                continue
            }
            switch scalar {
            case "\\": escaped = true
            case "[": brackets += 1
            case "]" where brackets > 0: brackets -= 1
            case "(" where brackets == 0: groups += 1
            case ")" where brackets == 0:
                groups -= 1
                if groups < 0 { return true }
            // In brackets a `|` is itself, but sets have syntax of their own: not followed.
            case "|" where brackets > 0 || groups == 0: return true
            default: break
            }
        }
        return groups != 0 || brackets != 0
    }

    private static func isPlain(_ scalar: Unicode.Scalar) -> Bool {
        TextMeasure.isASCIILetterOrDigit(scalar) || scalar == " "
    }

    /// Whether ICU's case-insensitive matching could see an ASCII letter in `scalar`, a
    /// character outside ASCII: the Kelvin sign is `k`, `ſ` is `s`, `ß` and `ẞ` are `ss`,
    /// `ﬁ` is `fi`, `İ` is `i` and a dot. Then the lower-cased text is no guide.
    static func mayMatchASCII(_ scalar: Unicode.Scalar) -> Bool {
        // Dashes, quotes and other punctuation (most of what is not ASCII in a story) have no case.
        let properties = scalar.properties
        guard properties.changesWhenCaseMapped else { return false }
        for mapping in [properties.lowercaseMapping, properties.uppercaseMapping, properties.titlecaseMapping] {
            for mapped in mapping.unicodeScalars {
                if mapped.isASCII { return true }
                // One more step: `ẞ` lower-cases to `ß`, which upper-cases to `SS`.
                if mapped != scalar, mapped.properties.uppercaseMapping.unicodeScalars.contains(where: \.isASCII)
                    || mapped.properties.lowercaseMapping.unicodeScalars.contains(where: \.isASCII) {
                    return true
                }
            }
        }
        return false
    }
}
