/// Chinese and Japanese are written without spaces, and FTS5's `unicode61` tokenizer takes a
/// whole run of ideographs as one token, so a word inside a sentence is never found. Both
/// the indexed text and the query's words are cut into overlapping pairs of characters
/// (bigrams, as Lucene's CJK analyzer does): most Chinese words are one or two characters,
/// so a word is found as its pairs, wherever it stands. SQLite's own trigram tokenizer was
/// the alternative: it cannot match a query of fewer than three characters, which most
/// Chinese words are.
public enum CJKBigrams {
    /// `text` with every run of CJK characters replaced by its bigrams, separated by spaces
    /// (a lone character stays as it is). Other text is left as it is.
    public static func indexed(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: TextMeasure.isCJK) else { return text }
        var result = ""
        result.unicodeScalars.reserveCapacity(text.unicodeScalars.count * 3)
        var run: [Unicode.Scalar] = []
        func flush() {
            guard !run.isEmpty else { return }
            result.unicodeScalars.append(" ")
            for pair in pairs(run) {
                result.unicodeScalars.append(contentsOf: pair.unicodeScalars)
                result.unicodeScalars.append(" ")
            }
            run.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if TextMeasure.isCJK(scalar) {
                run.append(scalar)
            } else {
                flush()
                result.unicodeScalars.append(scalar)
            }
        }
        flush()
        return result
    }

    /// The bigrams of a run of CJK characters, in order; a lone character is its own.
    public static func pairs(_ run: [Unicode.Scalar]) -> [String] {
        guard run.count > 1 else { return run.map { String($0) } }
        return (0..<run.count - 1).map { index in
            var pair = ""
            pair.unicodeScalars.append(run[index])
            pair.unicodeScalars.append(run[index + 1])
            return pair
        }
    }
}
