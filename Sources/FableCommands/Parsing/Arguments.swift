/// Small readers of a command's arguments.
public enum Arguments {
    /// The first word, lowercased, and the rest of the line, trimmed.
    public static func split(_ text: String) -> (word: String, rest: String) {
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let first = parts.first else { return ("", "") }
        return (first.lowercased(), parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : "")
    }

    /// The text of an explicit form, `: TEXT` or `"TEXT"`, which always means the command
    /// whatever the words; nil for bare words.
    public static func explicit(_ text: String) -> String? {
        if text.hasPrefix(":") { return text.dropFirst().trimmingCharacters(in: .whitespaces) }
        for (open, close) in [("\"", "\""), ("“", "”"), ("'", "'")] where text.count >= 2
            && text.hasPrefix(open) && text.hasSuffix(close) {
            return String(text.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// The lowercased words, without the punctuation around them.
    public static func words(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "'" }).map(String.init)
    }
}
