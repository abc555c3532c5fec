/// Finds Fable's own instructions copied into a reply. A small model sometimes writes the
/// system prompt or a field's description into the story, the memory or the options; once
/// kept, that text would go on into every later prompt. A field that repeats any run of
/// `runLength` words of the instructions, or one of the prompt's section headings, is an echo.
public struct PromptEcho: Sendable {
    /// Six words: long enough that prose never repeats a run by chance, short enough to
    /// catch a sentence copied with a word changed.
    static let runLength = 6

    private let runs: Set<[Substring]>
    private let headings: Set<String>

    /// Every fixed text Fable sends, split at its placeholders so no run spans a story's words.
    public static let fable = PromptEcho(
        instructions: [PromptText.role, PromptText.adventure, PromptText.novel, PromptText.contract,
                       PromptText.outlineField, PromptText.openingInstruction, PromptText.proceedInstruction,
                       PromptText.autoInstruction, PromptText.finalNudge, PromptText.correction, PromptText.repair]
            + ContentRating.allCases.map(PromptText.rating),
        headings: PromptText.sectionHeadings)

    public init(instructions: [String], headings: [String]) {
        var runs = Set<[Substring]>()
        for text in instructions {
            for piece in PromptTemplate.literalPieces(of: text) {
                let words = Self.words(piece)
                guard words.count >= Self.runLength else { continue }
                for start in 0...(words.count - Self.runLength) {
                    runs.insert(Array(words[start..<(start + Self.runLength)]))
                }
            }
        }
        self.runs = runs
        self.headings = Set(headings.map { Self.words($0).joined(separator: " ") })
    }

    /// What only the instructions speak of: a story field that names the reply's format (even
    /// run into another word, "jsonObject") is talking to Fable, not to the reader.
    static let formatWord = "json"

    /// Whether `text` repeats the instructions.
    public func isEcho(_ text: String) -> Bool {
        let words = Self.words(text)
        if words.contains(where: { $0.contains(Self.formatWord) }) { return true }
        if words.count >= Self.runLength {
            for start in 0...(words.count - Self.runLength) where runs.contains(Array(words[start..<(start + Self.runLength)])) {
                return true
            }
        }
        return text.split(whereSeparator: \.isNewline).contains { line in
            line.hasPrefix("#") && headings.contains(Self.words(line).joined(separator: " "))
        }
    }

    /// Lower-case runs of letters and digits.
    static func words(_ text: some StringProtocol) -> [Substring] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map { Substring($0) }
    }
}
