/// What can be kept of a passage the gate stopped after the reader had read part of it: the
/// sentences read whole. A small model often writes a good passage and then turns to JSON or
/// to the instructions; the reader has read the good part, so it stays, and only the other
/// fields are asked for.
public enum PassageSalvage {
    /// Characters that end a sentence, in the languages stories are written in.
    static let enders: Set<Character> = [".", "!", "?", "…", "。", "！", "？"]
    static let fullWidth: Set<Character> = ["。", "！", "？"]
    /// What may close a sentence after its ender: quotes and brackets.
    static let closers: Set<Character> = ["\"", "'", "”", "’", "»", ")", "」", "』", "*", "_"]

    /// The whole sentences at the start of `shown`, when they are at least `minimum` characters
    /// long; nil otherwise (too little to stand as a passage).
    public static func wholeSentences(of shown: String, minimum: Int) -> String? {
        var end: String.Index?
        var index = shown.startIndex
        while index < shown.endIndex {
            if enders.contains(shown[index]) {
                var after = shown.index(after: index)
                while after < shown.endIndex, enders.contains(shown[after]) || closers.contains(shown[after]) {
                    after = shown.index(after: after)
                }
                // An ender inside a word ("3.5") does not end a sentence; a full-width one
                // (Chinese, Japanese) needs no space after it.
                if after == shown.endIndex || shown[after].isWhitespace || fullWidth.contains(shown[index]) { end = after }
                index = after
            } else {
                index = shown.index(after: index)
            }
        }
        guard let end else { return nil }
        let kept = String(shown[..<end]).trimmingWhitespace
        return kept.count >= minimum ? kept : nil
    }
}
