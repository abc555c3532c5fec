import FableCore
import Foundation
import Testing

@Suite struct LoreMatchingTests {
    func matches(_ key: String, _ text: String) -> Bool {
        LoreKey(key).matches(text)
    }

    @Test func wordsMatchWholeWordsInAnyCase() {
        #expect(matches("mill", "They reach the Mill."))
        #expect(matches("mill", "MILL"))
        #expect(matches("Elsbeth", "Elsbeth's coat hangs there."))
        #expect(!matches("mill", "a millstone"))
        #expect(!matches("mill", "the windmill"))
        #expect(!matches("oil", "toil"))
    }

    @Test func phrasesMayBeSplitByAnyWhitespace() {
        #expect(matches("old mill", "past the old\n  mill"))
        #expect(!matches("old mill", "old windmill"))
    }

    @Test func chineseAndJapaneseNeedNoSpaces() {
        #expect(matches("灯塔", "她走向灯塔的门。"))
        #expect(matches("Carrow", "他去了Carrow镇。"))
        #expect(matches("ÉCLUSE", "près de l'écluse."))
        #expect(!matches("灯塔", "她走向海边。"))
    }

    @Test func wordBoundariesAtEveryEdge() {
        #expect(matches("mill", "mill"))
        #expect(matches("mill", "(mill)"))
        #expect(matches("old  mill", "the old mill"), "spaces in the key are any whitespace too")
        #expect(!matches("mill", "mill_house"), "_ is part of a word")
        #expect(!matches("r2", "r2d2"))
        #expect(matches("r2", "R2, the droid"))
        #expect(!matches("old mill", "oldmill"), "a phrase's words need whitespace between them")
        #expect(!matches("mill", ""))
        #expect(matches("盗贼", "三个盗贼"))
        #expect(matches("Ölmühle", "die ÖLMÜHLE brennt"))
    }

    /// The scalar matcher must agree with the ICU regular expression a word key stands for
    /// (`regexMatch`), which states the whole-word rules but is too dear to compile per step.
    @Test func wordMatchingAgreesWithTheRegularExpressionItReplaced() throws {
        let keys = ["mill", "old mill", "Elsbeth", "R2", "灯塔", "the  old\tmill", "écluse", "a", "oil lamp", "_x"]
        let pieces = ["mill", "Mill", "old", " ", "\n", "\t", "windmill", "millstone", ".", ",", "R2", "d2", "灯塔", "的",
                      "Elsbeth's", "écluse", "É", "a", "b", "oil", "lamp", "toil", "_", "x", "9", "é"]
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<400 {
            let text = (0..<Int.random(in: 1...8, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            for key in keys {
                let expected = try Self.regexMatch(key: key, text: text)
                #expect(matches(key, text) == expected, "key \(key) in \(text.debugDescription)")
                // An entry's keys are prepared once per process and reused: the same answer.
                #expect(LoreEntry(keys: [key], text: "").isTriggered(by: text) == expected,
                        "prepared key \(key) in \(text.debugDescription)")
            }
        }
    }

    /// Word boundaries are decided for ASCII without Unicode property look-ups; every ASCII
    /// character, and a few others, beside a key must give the regular expression's answer.
    @Test func everyASCIICharacterBesideAKeyAgreesWithTheRegularExpression() throws {
        let neighbours = (0..<128).compactMap { Unicode.Scalar(UInt32($0)) }.map { String($0) }
            + ["é", "ß", "Ω", "٣", "²", "灯", "カ", "\u{00A0}", "\u{2003}", "😀"]
        for key in ["mill", "r2", "_x", "é"] {
            for neighbour in neighbours {
                for text in [neighbour + key, key + neighbour, neighbour + key + neighbour] {
                    let expected = try Self.regexMatch(key: key, text: text)
                    #expect(matches(key, text) == expected, "key \(key) in \(text.debugDescription)")
                }
            }
        }
    }

    /// The regular expression a word key stands for: the reference the matcher is checked against.
    static func regexMatch(key: String, text: String) throws -> Bool {
        let wordCharacter = #"[\p{L}\p{N}_&&[^\p{Han}\p{Hiragana}\p{Katakana}]]"#
        let parts = key.split(whereSeparator: \.isWhitespace)
        var pattern = parts.map { NSRegularExpression.escapedPattern(for: String($0)) }.joined(separator: #"\s+"#)
        func needsBoundary(_ scalar: Unicode.Scalar) -> Bool {
            let cjk = (0x3040...0x30FF).contains(scalar.value) || (0x4E00...0x9FFF).contains(scalar.value)
            return (scalar.properties.isAlphabetic || scalar.properties.numericType != nil || scalar == "_") && !cjk
        }
        if needsBoundary(parts.first!.unicodeScalars.first!) { pattern = "(?<!\(wordCharacter))" + pattern }
        if needsBoundary(parts.last!.unicodeScalars.last!) { pattern += "(?!\(wordCharacter))" }
        let expression = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        return expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    @Test func slashesMakeARegularExpression() {
        #expect(LoreKey("/wolf|wolves/") == .pattern("wolf|wolves"))
        #expect(matches("/wolf|wolves/", "Three WOLVES howl."))
        #expect(matches("/ghosts?/", "a ghost"))
        #expect(!matches("/^ghost$/", "a ghost"))
        #expect(LoreKey("/(unclosed/").problem == "`/(unclosed/` is not a valid regular expression")
        #expect(LoreKey("  ").problem == "the key is empty")
        #expect(LoreKey("/").problem == nil, "a lone slash is a word")
        #expect(!matches("/(unclosed/", "(unclosed"))
    }

    @Test func triggeredEntriesComeInTheOrderOfTheirSources() {
        let mill = LoreEntry(keys: ["mill"], text: "MILL")
        let wolf = LoreEntry(keys: ["/wolf|wolves/"], text: "WOLF")
        let bell = LoreEntry(keys: ["bell"], text: "BELL")
        let chosen = LoreMatcher.triggered([mill, wolf, bell], in: ["wolves at the mill", "", "the bell, the mill"])
        #expect(chosen == [mill, wolf, bell])
        #expect(LoreMatcher.triggered([mill, wolf, bell], in: ["the bell", "a wolf"]) == [bell, wolf])
        #expect(LoreMatcher.triggered([mill, wolf, bell], in: ["nothing here"]).isEmpty)
    }

    /// `LoreMatcher` prepares each key once for all sources (and keeps it): it must choose what
    /// checking every key afresh against each source, in order, would choose.
    @Test func preparedKeysChooseWhatFreshKeysWould() {
        let keys = ["mill", "old mill", "/wolf|wolves/", "Elsbeth", " bell ", "/(unclosed/", "灯塔", "/^the/", "oil lamp"]
        let pieces = ["the", "old", "mill", "wolves", "Wolf", "bell", "elsbeth", "灯塔", "oil", "lamp", " ", "\n", ".", "windmill"]
        var generator = SeededGenerator(seed: 11)
        func text() -> String {
            (0..<Int.random(in: 0...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
        }
        for _ in 0..<300 {
            let entries = (0..<Int.random(in: 1...5, using: &generator)).map { number in
                LoreEntry(keys: (0..<Int.random(in: 1...3, using: &generator)).map { _ in keys.randomElement(using: &generator)! },
                          text: "entry \(number)")
            }
            let sources = (0..<3).map { _ in text() }
            var fresh: [Int] = []
            for source in sources where !source.isEmpty {
                for (index, entry) in entries.enumerated()
                where !fresh.contains(index) && entry.keys.contains(where: { LoreKey($0).matches(source) }) {
                    fresh.append(index)
                }
            }
            #expect(LoreMatcher.triggered(entries, in: sources) == fresh.map { entries[$0] }, "\(sources)")
        }
    }

    @Test func premisesStoredBeforeLoreExistedStillLoad() throws {
        let old = #"{"storyID":"keep","title":"The Keep","genre":"fantasy","mode":"novel","language":"es","style":"terse","body":"A keep."}"#
        let premise = try JSONDecoder().decode(Premise.self, from: Data(old.utf8))
        #expect(premise == Premise(storyID: "keep", title: "The Keep", genre: "fantasy", mode: .novel,
                                   language: "es", style: "terse", body: "A keep."))
        #expect(premise.rating == .everyone && premise.canon.isEmpty && premise.lore.isEmpty && premise.answers.isEmpty)
        let future = #"{"storyID":"k","title":"K","body":"B","rating":"cosmic"}"#
        #expect(try JSONDecoder().decode(Premise.self, from: Data(future.utf8)).rating == .everyone)
        let full = Premise(storyID: "k", title: "K", rating: .mature, body: "B", canon: ["c"],
                           lore: [LoreEntry(keys: ["k"], text: "t")], answers: ["a": "b"])
        #expect(try JSONDecoder().decode(Premise.self, from: JSONEncoder().encode(full)) == full)
    }
}
