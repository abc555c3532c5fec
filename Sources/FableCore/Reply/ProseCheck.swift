/// Tells prose from the noise a small model writes when a grammar holds it inside a string it
/// has nothing more to say in: mostly symbols, long strings of letters and digits with no space,
/// words with no vowel, lists of numbers. In any script: the checks on runs and vowels look at
/// ASCII text only, so Chinese or Japanese, which have no spaces, pass.
public enum ProseCheck {
    /// A run without whitespace longer than this, mostly ASCII, is not a word of any language.
    static let longestRun = 40
    /// Below this share of letters and digits among the visible characters a text is symbols,
    /// not words.
    static let letterShare = 0.6
    /// Fewer visible characters than this are too few to judge by their share of letters.
    static let judgedLength = 20
    /// An ASCII word this long with no vowel (y counts) is not a word.
    static let vowelCheckedLength = 6
    /// From this many letters and digits on, a text with more digits than letters is a list of
    /// numbers, not prose (a date or a sum in a sentence is far fewer).
    static let digitsJudgedFrom = 40

    /// Whether `text` reads as words rather than noise. `wordsAreWhole: false` for a window cut
    /// out of a longer text, whose first word may be the end of one: its vowels are not judged.
    public static func isProse(_ text: String, wordsAreWhole: Bool = true) -> Bool {
        var visible = 0
        var letters = 0
        var digits = 0
        var run = 0
        var asciiInRun = 0
        var word: [Unicode.Scalar] = []
        var checkedWords = 0
        var vowelless = 0
        func endWord() {
            let bare = word.filter(TextMeasure.isLetter)
            if bare.count >= vowelCheckedLength, bare.allSatisfy(\.isASCII) {
                checkedWords += 1
                if !bare.contains(where: { "aeiouyAEIOUY".unicodeScalars.contains($0) }) { vowelless += 1 }
            }
            word.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            if TextMeasure.isWhitespace(scalar) {
                if run > longestRun, asciiInRun * 2 > run { return false }
                run = 0
                asciiInRun = 0
                endWord()
                continue
            }
            visible += 1
            run += 1
            if scalar.isASCII { asciiInRun += 1 }
            if TextMeasure.isLetter(scalar) {
                letters += 1
            } else if TextMeasure.isDigit(scalar) {
                letters += 1
                digits += 1
            }
            word.append(scalar)
        }
        if run > longestRun, asciiInRun * 2 > run { return false }
        endWord()
        if visible >= judgedLength, Double(letters) < letterShare * Double(visible) { return false }
        if letters >= digitsJudgedFrom, digits * 2 > letters { return false }
        return !wordsAreWhole || vowelless == 0 || vowelless * 4 < checkedWords
    }
}
