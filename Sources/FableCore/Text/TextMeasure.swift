/// Rough, deterministic text measures used by the budget and the caps.
public enum TextMeasure {
    /// Words, counting each CJK ideograph or kana as one (those scripts have no spaces).
    public static func words(_ text: String) -> Int {
        var count = 0
        var inWord = false
        for scalar in text.unicodeScalars {
            if isCJK(scalar) {
                count += 1
                inWord = false
            } else if isWhitespace(scalar) {
                inWord = false
            } else if !inWord {
                count += 1
                inWord = true
            }
        }
        return count
    }

    /// Estimated tokens: about four bytes of ASCII per token, one token per other scalar.
    /// It over-counts accented Latin a little, which errs on the safe side of the budget.
    public static func tokens(_ text: String) -> Int {
        // Counted on the UTF-8 bytes (no scalar decoding): a byte below 0x80 is an ASCII
        // scalar, one from 0xC0 up starts any other; 0x80...0xBF only continue one.
        var ascii = 0
        var other = 0
        for byte in text.utf8 {
            if byte < 0x80 { ascii += 1 } else if byte >= 0xC0 { other += 1 }
        }
        return (ascii + 3) / 4 + other
    }

    /// Unicode's White_Space, with ASCII answered without a look-up of the scalar's properties
    /// (the same answer: tab to carriage return, and space): the look-up would be most of
    /// counting a memory's words.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (0x09...0x0D).contains(scalar.value) }
        return scalar.properties.isWhitespace
    }

    /// A letter of any script (Unicode's Alphabetic); ASCII answered by its code.
    static func isLetter(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        return scalar.properties.isAlphabetic
    }

    /// A digit or other number of any script; ASCII answered by its code.
    static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return ("0"..."9").contains(scalar) }
        return scalar.properties.numericType != nil
    }

    /// `a`–`z`, `A`–`Z`, `0`–`9`: answered without a look-up of Unicode's properties, for the
    /// ASCII fast paths of word and pattern matching.
    static func isASCIILetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }

    /// The first `limit` words of `text`, for the caps on what reaches a prompt.
    public static func prefix(_ text: String, words limit: Int) -> String {
        guard words(text) > limit else { return text }
        var count = 0
        var inWord = false
        var end = text.startIndex
        for index in text.unicodeScalars.indices {
            let scalar = text.unicodeScalars[index]
            let starts = isCJK(scalar) || (!isWhitespace(scalar) && !inWord)
            if starts {
                if count == limit { break }
                count += 1
            }
            inWord = !isWhitespace(scalar) && !isCJK(scalar)
            end = text.unicodeScalars.index(after: index)
        }
        return String(text.unicodeScalars[text.unicodeScalars.startIndex..<end])
    }
}
