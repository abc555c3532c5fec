/// Stands between a streamed passage and the reader. It holds back the passage's first
/// characters until they read as a story, and keeps watching the rest: a passage that opens
/// with code or JSON, repeats Fable's own instructions or turns into noise is stopped at once,
/// so the model's call can be cut and the passage written again, before the reader has seen
/// any of it when the fault shows in its opening words.
public struct PassageGate: Sendable {
    /// How much is held back: about twenty tokens, a few tenths of a second of a small local
    /// model's writing, and enough for the faults a small model makes in its first words.
    public static let heldCharacters = 80
    /// What a passage of prose may open with besides a letter or a digit: quotes, dashes,
    /// an ellipsis, a parenthesis, Spanish marks, Markdown emphasis.
    static let proseOpeners: Set<Character> = ["\"", "'", "“", "‘", "«", "„", "「", "『", "—", "–", "-", "…", "(", "¿", "¡", "*", "_"]

    private let echo: PromptEcho
    /// The story's title, lower-cased: a passage that opens with it as a heading is stopped.
    private let title: String
    private let held: Int
    private var text = ""
    /// Counts in Unicode scalars, which add up when pieces are joined (characters may not).
    private var count = 0
    private var shownCount = 0
    private var checkedCount = 0
    /// Why the passage cannot be used, once that shows.
    public private(set) var problem: String?

    /// What the reader has been shown so far.
    public var shown: String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(shownCount)))
    }

    public init(echo: PromptEcho = .fable, title: String = "", heldCharacters: Int = PassageGate.heldCharacters) {
        self.echo = echo
        self.title = title.trimmingWhitespace.lowercased()
        held = heldCharacters
    }

    /// Takes the next piece of the passage (`finished`: the passage's closing quote has been
    /// read); returns what the reader may see now. Nothing once a problem has shown.
    public mutating func feed(_ piece: String, finished: Bool) -> String {
        guard problem == nil else { return "" }
        text += piece
        count += piece.unicodeScalars.count
        // The passage's end, and its start when it is first shown, are looked at whole.
        check(piece, whole: finished || (shownCount == 0 && count >= held))
        // Only what has been looked at for an echo is shown: the rest waits for the next look.
        guard problem == nil, finished || count >= held, checkedCount > shownCount else { return "" }
        let shown = String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(shownCount).prefix(checkedCount - shownCount)))
        shownCount = checkedCount
        return shown
    }

    /// New characters between two looks for an echo. A look per token (a few characters) cost
    /// more than the rest of a step's work on its reply; a look every few words is cheap, and
    /// the text since the last look waits for the next, so an echo is still stopped unseen.
    static let echoStride = 24

    private mutating func check(_ piece: String, whole: Bool) {
        if let first = text.first(where: { !$0.isWhitespace }),
           !(first.isLetter || first.isNumber || Self.proseOpeners.contains(first)) {
            problem = "the passage begins with code or JSON, not the story"
            return
        }
        if shownCount == 0, whole, opensWithTitleHeading() {
            problem = "the passage opens with the story's title as a heading, not the story"
            return
        }
        if shownCount == 0, whole, opensWithNumbers() {
            problem = "the passage opens with a list of numbers, not the story"
            return
        }
        // Prose has no braces: a passage with one is the model writing JSON into the story.
        if piece.contains(where: { $0 == "{" || $0 == "}" }) {
            problem = "the passage holds JSON, not only the story"
            return
        }
        // Only new words can make a new echo: look at what came since the last look, with the
        // words before it that a run of the instructions could start in.
        guard count > checkedCount, whole || count - checkedCount >= Self.echoStride else { return }
        let window = String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(max(0, checkedCount - 80))))
        checkedCount = count
        if echo.isEcho(window) {
            problem = "the passage repeats the instructions instead of telling the story"
        } else if !ProseCheck.isProse(window, wordsAreWhole: false) {
            problem = "the passage is not prose"
        }
    }

    /// How many visible characters of the opening are weighed for `opensWithNumbers`.
    static let openingJudged = 20

    /// A small model sometimes opens its passage with a list of numbers ("1472, 6, 8, 509, 3,
    /// 4; …") and then talks about the task; prose that opens with a year or a count goes on
    /// in words ("1847. The winter…"), so its first twenty visible characters hold more
    /// letters than digits.
    private func opensWithNumbers() -> Bool {
        let opening = text.unicodeScalars.filter { !ProseCheck.isWhitespace($0) }.prefix(Self.openingJudged)
        guard opening.count == Self.openingJudged else { return false }
        return opening.count(where: ProseCheck.isDigit) > opening.count(where: ProseCheck.isLetter)
    }

    /// What may follow a title that stands as a heading, or as a sentence of its own.
    static let headingMarks: Set<Character> = [":", "-", "–", "—", "|", "."]

    /// A small model sometimes opens its passage with the story's title and a subtitle ("The
    /// Last Keeper of Gull Rock: A Hero's Journey – …", "The Last Keeper of Gull Rock. …")
    /// before it talks about the task; prose that names the title goes on with a verb.
    private func opensWithTitleHeading() -> Bool {
        guard !title.isEmpty else { return false }
        let opening = text.trimmingWhitespace.lowercased()
        guard opening.hasPrefix(title) else { return false }
        return opening.dropFirst(title.count).first(where: { !$0.isWhitespace }).map(Self.headingMarks.contains) ?? false
    }
}
