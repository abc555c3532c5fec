/// Markdown prose laid out for wrapping: a line break inside a paragraph is where the
/// author's editor wrapped it, not part of the text, so it becomes a space (nothing between
/// wide characters, as CJK has no spaces between words); a blank line still ends a paragraph,
/// a line that opens a list item or a quote starts a line of its own, and a heading is one.
public enum Paragraphs {
    public static func unwrapped(_ text: String) -> String {
        var out = ""
        var paragraphEnded = false
        var lineEnded = false
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let line = trimmed(raw)
            if line.isEmpty {
                paragraphEnded = !out.isEmpty
                continue
            }
            if out.isEmpty {
                out = line
            } else if paragraphEnded {
                out += "\n\n" + line
            } else if lineEnded || opensBlock(line) {
                out += "\n" + line
            } else {
                let joinsWide = DisplayWidth.of(out.last!) == 2 || DisplayWidth.of(line.first!) == 2
                out += (joinsWide ? "" : " ") + line
            }
            paragraphEnded = false
            lineEnded = line.hasPrefix("#")
        }
        return out
    }

    /// Without the white space around it.
    private static func trimmed(_ line: Substring) -> String {
        String(line.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// A heading (`#`), a quote (`>`) or a list item (`- `, `* `, `+ `, `1. `).
    private static func opensBlock(_ line: String) -> Bool {
        if line.hasPrefix("#") || line.hasPrefix(">") { return true }
        if ["- ", "* ", "+ "].contains(where: line.hasPrefix) { return true }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        return !digits.isEmpty && line.dropFirst(digits.count).hasPrefix(". ")
    }
}
