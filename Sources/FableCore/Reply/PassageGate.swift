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
    /// The story's title: a heading made of it is dropped (`TitleHeading`).
    private let title: String
    private let held: Int
    private var text = ""
    /// Counts in Unicode scalars, which add up when pieces are joined (characters may not).
    private var count = 0
    /// The title heading at the start, never shown.
    private var dropped = 0
    /// How far the text has been shown (or dropped).
    private var shownCount = 0
    private var checkedCount = 0
    /// Why the passage cannot be used, once that shows.
    public private(set) var problem: String?

    /// What the reader has been shown so far.
    public var shown: String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(shownCount).dropFirst(dropped)))
    }

    public init(echo: PromptEcho = .fable, title: String = "", heldCharacters: Int = PassageGate.heldCharacters) {
        self.echo = echo
        self.title = title
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
        let nothingShown = shownCount == dropped
        if shownCount == 0, whole {
            switch TitleHeading.opening(of: text, title: title) {
            case .heading(let scalars)?:
                dropped = scalars
                shownCount = scalars
            case .notTheStory?:
                problem = "the passage opens with the story's title as a heading, not the story"
                return
            case nil:
                break
            }
        }
        let opening = text.unicodeScalars.dropFirst(dropped)
        if let first = opening.first(where: { !TextMeasure.isWhitespace($0) }).map(Character.init),
           !(first.isLetter || first.isNumber || Self.proseOpeners.contains(first)) {
            problem = "the passage begins with code or JSON, not the story"
            return
        }
        if nothingShown, whole, Self.opensWithNumbers(opening) {
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
    private static func opensWithNumbers(_ opening: some Sequence<Unicode.Scalar>) -> Bool {
        let visible = opening.filter { !TextMeasure.isWhitespace($0) }.prefix(openingJudged)
        guard visible.count == openingJudged else { return false }
        return visible.count(where: TextMeasure.isDigit) > visible.count(where: TextMeasure.isLetter)
    }
}
