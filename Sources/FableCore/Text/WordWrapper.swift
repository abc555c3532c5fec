/// Word-wraps text that arrives in fragments, by display width, so it can be shown
/// as it streams. Breaks at spaces, and between wide (CJK) characters, which have none.
public struct WordWrapper: Sendable {
    public let width: Int
    private var column = 0
    private var word = ""
    private var wordWidth = 0
    private var pendingSpace = false
    /// The word being read started a line, where it cannot move to another one, so it is
    /// shown as it arrives (a passage's first word reaches the reader without waiting for
    /// the token after it).
    private var showingWord = false

    public init(width: Int) {
        self.width = max(10, width)
    }

    /// Feeds a fragment; returns the text that can be shown now.
    public mutating func feed(_ fragment: String) -> String {
        var out = ""
        for character in fragment {
            if character == "\n" {
                out += flushWord()
                showingWord = false
                out += "\n"
                column = 0
                pendingSpace = false
            } else if character == " " || character == "\t" {
                out += flushWord()
                showingWord = false
                if column > 0 { pendingSpace = true }
            } else if DisplayWidth.of(character) == 2 {
                out += flushWord()
                showingWord = false
                word = String(character)
                wordWidth = 2
                out += flushWord()
            } else {
                word.append(character)
                wordWidth += DisplayWidth.of(character)
                if showingWord || (column == 0 && !pendingSpace) {
                    out += flushWord()
                    showingWord = true
                }
            }
        }
        return out
    }

    /// Ends the text: returns what was held back (the last partial word).
    public mutating func finish() -> String {
        let out = flushWord()
        showingWord = false
        column = 0
        pendingSpace = false
        return out
    }

    private mutating func flushWord() -> String {
        guard !word.isEmpty else { return "" }
        var out = ""
        let space = pendingSpace ? 1 : 0
        if showingWord {
            // The rest of a word already on screen: only a line's end may cut it.
        } else if column > 0 && column + space + wordWidth > width {
            out += "\n"
            column = 0
        } else if space == 1 {
            out += " "
            column += 1
        }
        pendingSpace = false
        // A word longer than the line is cut where the line ends.
        for character in word {
            let w = DisplayWidth.of(character)
            if column + w > width && column > 0 {
                out += "\n"
                column = 0
            }
            out.append(character)
            column += w
        }
        word = ""
        wordWidth = 0
        return out
    }
}
