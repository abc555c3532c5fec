/// Picks the words that long-term search looks for: the instruction's first,
/// then the short-term memory's; common words dropped.
public enum SearchTerms {
    public static func from(instruction: String, memory: String, limit: Int = 24) -> [String] {
        var seen = Set<String>()
        var terms: [String] = []
        for text in [instruction, memory] {
            for word in words(text) where !stopWords.contains(word) && seen.insert(word).inserted {
                terms.append(word)
                if terms.count == limit { return terms }
            }
        }
        return terms
    }

    /// Lower-cased runs of letters and digits, at least three characters long
    /// (one for CJK, where a single character is a word).
    ///
    /// Walked over the UTF-8 bytes: an ASCII byte followed by another (or the end) is a whole
    /// character, answered here; anything else is taken as the `Character` it starts and asked
    /// of Unicode (`isLetter`, `isNumber`). Going character by character through Unicode's
    /// properties was most of picking the terms (issue 7).
    static func words(_ text: String) -> [String] {
        let lowered = text.lowercased()
        let utf8 = lowered.utf8
        var result: [String] = []
        var wordStart: String.Index?
        func flush(at end: String.Index) {
            guard let start = wordStart else { return }
            wordStart = nil
            let word = lowered[start..<end]
            if word.count >= 3 || (word.unicodeScalars.first.map(TextMeasure.isCJK) ?? false) {
                result.append(String(word))
            }
        }
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            let next = utf8.index(after: index)
            let isWordCharacter: Bool
            let end: String.Index
            if byte < 0x80, next == utf8.endIndex || utf8[next] < 0x80 {
                isWordCharacter = TextMeasure.isASCIILetterOrDigit(Unicode.Scalar(byte))
                end = next
            } else {
                let character = lowered[index]
                isWordCharacter = character.isLetter || character.isNumber
                end = lowered.index(after: index)
            }
            if isWordCharacter {
                if wordStart == nil { wordStart = index }
            } else {
                flush(at: index)
            }
            index = end
        }
        flush(at: utf8.endIndex)
        return result
    }

    static let stopWords: Set<String> = [
        "the", "and", "for", "are", "but", "not", "you", "your", "all", "any", "can", "had", "her",
        "was", "one", "our", "out", "has", "him", "his", "how", "its", "may", "new", "now", "old",
        "see", "two", "way", "who", "did", "get", "let", "say", "she", "too", "use", "that", "with",
        "have", "this", "will", "they", "from", "them", "then", "than", "there", "their", "what",
        "when", "where", "which", "while", "into", "onto", "upon", "been", "were", "would", "could",
        "should", "about", "after", "before", "again", "over", "under", "just", "also", "some",
        "more", "most", "very", "each", "other", "such", "only", "own", "same", "both", "few",
        "here", "those", "these", "does", "doing", "being", "because", "until", "against",
        "between", "through", "during", "above", "below", "down", "off", "once", "why", "yourself",
    ]
}
