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

    /// Lower-cased runs of letters and digits, at least three characters long; a run of CJK
    /// characters gives its bigrams (`CJKBigrams`), as the index holds them.
    ///
    /// Walked over the UTF-8 bytes: an ASCII byte followed by another (or the end) is a whole
    /// character, answered here; anything else is taken as the `Character` it starts and asked
    /// of Unicode (`isLetter`, `isNumber`). Going character by character through Unicode's
    /// properties would be most of picking the terms.
    static func words(_ text: String) -> [String] {
        let lowered = text.lowercased()
        let utf8 = lowered.utf8
        var result: [String] = []
        var wordStart: String.Index?
        func flush(at end: String.Index) {
            guard let start = wordStart else { return }
            wordStart = nil
            let word = lowered[start..<end]
            if word.unicodeScalars.contains(where: TextMeasure.isCJK) {
                appendMixed(word, to: &result)
            } else if word.count >= 3 {
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

    /// A word that mixes CJK and other letters ("3号", "ok的"): its CJK runs as bigrams, the
    /// rest as words of at least three characters.
    private static func appendMixed(_ word: Substring, to result: inout [String]) {
        var run: [Unicode.Scalar] = []
        var other = ""
        func flush() {
            result.append(contentsOf: CJKBigrams.pairs(run))
            run.removeAll()
            if other.count >= 3 { result.append(other) }
            other = ""
        }
        for scalar in word.unicodeScalars {
            if TextMeasure.isCJK(scalar) {
                if other.count > 0 { flush() }
                run.append(scalar)
            } else {
                if !run.isEmpty { flush() }
                other.unicodeScalars.append(scalar)
            }
        }
        flush()
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
        "whom", "whose",
        // French, Spanish and German words that carry no content (none an English word).
        "les", "des", "une", "dans", "pour", "avec", "par", "est", "sont", "qui", "que", "quoi", "quel",
        "quelle", "quels", "quelles", "aux", "leur", "leurs", "elle", "elles", "mais", "plus", "comme",
        "cette", "ces", "nous", "vous", "ils", "été", "être", "avait", "était", "sans", "sous", "vers",
        "chez", "comment", "pourquoi", "où", "lui", "dont", "ont", "avons", "sur", "los", "las", "del",
        "por", "con", "para", "una", "pero", "sus", "esta", "este", "und", "der", "das", "ein", "eine",
        "mit", "von", "auf", "ist", "nicht", "sich",
    ]
}
