/// A story file cut into its front matter and body, with file line numbers.
struct FrontMatter {
    /// Every line of the file, without line ends.
    var lines: [String]
    /// The YAML between the `---` lines; its line n is file line n + 1.
    var yaml: String
    /// The index in `lines` of the closing `---`.
    var closingIndex: Int

    /// Lines after the front matter, and the file line of the first one.
    var bodyLines: ArraySlice<String> { lines[(closingIndex + 1)...] }
    var bodyFirstLine: Int { closingIndex + 2 }

    static func lines(of text: String) -> [String] {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // Split by scalars: as a Character, CRLF is one grapheme that never equals "\n".
        return text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            String(Substring(line.last == "\r" ? line.dropLast() : line))
        }
    }

    static func isFence(_ line: String) -> Bool {
        line.trimmingCharacters(in: .whitespaces) == "---"
    }

    /// The split, or the problem (always at line 1) when the fences are missing.
    static func split(_ text: String) -> Result<FrontMatter, Failure> {
        let lines = lines(of: text)
        guard let first = lines.first, isFence(first) else {
            return .failure(Failure(message: "start the file with a line of three dashes (---), then the front matter "
                + "(title: …, genre: …), then another --- line, then the premise"))
        }
        guard let close = lines.indices.dropFirst().first(where: { isFence(lines[$0]) }) else {
            return .failure(Failure(message: "the front matter that starts here is never closed: "
                + "add a line of three dashes (---) after its last field, before the premise"))
        }
        return .success(FrontMatter(lines: lines, yaml: lines[1..<close].joined(separator: "\n"), closingIndex: close))
    }

    struct Failure: Error {
        var message: String
    }
}
