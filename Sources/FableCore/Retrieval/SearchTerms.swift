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
    static func words(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        func flush() {
            if current.count >= 3 || (current.unicodeScalars.first.map(TextMeasure.isCJK) ?? false) {
                result.append(current)
            }
            current = ""
        }
        for character in text.lowercased() {
            // ASCII answered here: `isLetter` looks up Unicode properties, which was most of
            // picking the terms (issue 7).
            let isWordCharacter = if let ascii = character.asciiValue {
                (ascii >= 0x61 && ascii <= 0x7A) || (ascii >= 0x41 && ascii <= 0x5A) || (ascii >= 0x30 && ascii <= 0x39)
            } else {
                character.isLetter || character.isNumber
            }
            if isWordCharacter {
                current.append(character)
            } else {
                flush()
            }
        }
        flush()
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
