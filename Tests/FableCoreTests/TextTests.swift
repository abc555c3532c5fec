import Foundation
@testable import FableCore
import Testing

@Suite struct TextTests {
    @Test func wordsAndTokens() {
        #expect(TextMeasure.words("one two  three\nfour") == 4)
        #expect(TextMeasure.words("你好世界 and more") == 6)
        #expect(TextMeasure.tokens("abcdefgh") == 2)
        #expect(TextMeasure.tokens("中文") == 2)
        // One token per non-ASCII scalar, whatever its UTF-8 length (2, 3 and 4 bytes here).
        #expect(TextMeasure.tokens("café naïve 中 🙂") == (10 + 3) / 4 + 4)
        #expect(TextMeasure.tokens("") == 0)
        #expect(TextMeasure.prefix("one two three four", words: 2).trimmingCharacters(in: .whitespaces) == "one two")
    }

    @Test func wrapsByDisplayWidthWhileStreaming() {
        let text = "The lamp turns and turns above the black water, 灯塔的光在黑色的海面上一圈又一圈地转动着，没有停下来。 and the knocking goes on."
        var whole = WordWrapper(width: 20)
        let once = whole.feed(text) + whole.finish()
        var streamed = WordWrapper(width: 20)
        var pieces = ""
        for character in text { pieces += streamed.feed(String(character)) }
        pieces += streamed.finish()
        #expect(pieces == once)
        for line in once.split(separator: "\n") {
            #expect(DisplayWidth.of(String(line)) <= 20, "\(line)")
        }
        #expect(once.replacingOccurrences(of: "\n", with: "").replacingOccurrences(of: " ", with: "")
            == text.replacingOccurrences(of: " ", with: ""))
    }

    @Test func aWordStartingALineIsShownAsItArrives() {
        var wrapper = WordWrapper(width: 12)
        #expect(wrapper.feed("St") == "St", "nothing can move the first word to another line")
        #expect(wrapper.feed("ep") == "ep")
        #expect(wrapper.feed(" 5. The") == " 5.")
        var held = WordWrapper(width: 12)
        #expect(held.feed("Step 5. Th") == "Step 5.", "a later word waits: it may still move to the next line")
        #expect(held.feed("e lighthouse") == " The")
        #expect(held.finish() == "\nlighthouse")
        var long = WordWrapper(width: 10)
        var shown = ""
        for character in "Abracadabrantesque and more" { shown += long.feed(String(character)) }
        shown += long.finish()
        #expect(shown == "Abracadabr\nantesque\nand more", "an over-long first word is still cut at the line's end")
        var afterBreak = WordWrapper(width: 12)
        #expect(afterBreak.feed("One.\nTw") == "One.\nTw")
    }

    @Test func cjkIsDoubleWidth() {
        #expect(DisplayWidth.of("中") == 2)
        #expect(DisplayWidth.of("a") == 1)
        #expect(DisplayWidth.of("é") == 1)
    }

    @Test func sanitizeRemovesTerminalControls() {
        let hostile = "Hi\u{1B}[2J\u{1B}]0;pwned\u{07} there\u{9B}31m\r\nok\ttab"
        let clean = TerminalText.sanitize(hostile)
        #expect(!clean.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
        #expect(!clean.unicodeScalars.contains { (0x7F..<0xA0).contains($0.value) })
        #expect(clean.contains("Hi") && clean.contains("ok\ttab"))
    }

    @Test func searchTermsPreferTheInstructionAndDropCommonWords() {
        let terms = SearchTerms.from(instruction: "Find the silver key", memory: "The keeper and the key are gone")
        #expect(terms == ["find", "silver", "key", "keeper", "gone"])
        #expect(SearchTerms.from(instruction: String(repeating: "word ", count: 3) + "a b c", memory: "").isEmpty == false)
        let many = (0..<50).map { "term\($0)" }.joined(separator: " ")
        #expect(SearchTerms.from(instruction: many, memory: "", limit: 24).count == 24)
    }

    @Test func whitespaceIsUnicodesWhiteSpace() {
        for value in 0...0x3100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(TextMeasure.isWhitespace(scalar) == scalar.properties.isWhitespace, "U+\(String(value, radix: 16))")
        }
    }

    /// `words` answers ASCII characters itself and asks Unicode for the rest: the same words
    /// as asking Unicode for every character.
    @Test(arguments: ["Find the SILVER key, 42 times!", "Café naïve résumé: e\u{301}tude — “quoted” ’tis",
                      "東京の灯台 and Ελληνικά ½ ٣٤ x²", "tab\there\r\nline_two-three", "",
                      "abc\u{301} a\u{301}bc x\r\nyzw 👩‍👩‍👧abc İstanbul ǅungla ﬁnal", "end with a word"])
    func searchWordsMatchUnicodesLettersAndNumbers(text: String) {
        var expected: [String] = []
        var current = ""
        // A run of letters: CJK characters as overlapping pairs, other letters as words of three or more.
        func flush() {
            var latin = ""
            var cjk: [Character] = []
            func end() {
                if cjk.count == 1 { expected.append(String(cjk)) }
                for index in cjk.indices.dropLast() { expected.append(String(cjk[index ... index + 1])) }
                if latin.count >= 3 { expected.append(latin) }
                latin = ""
                cjk = []
            }
            for character in current {
                let isCJK = character.unicodeScalars.first.map(TextMeasure.isCJK) ?? false
                if isCJK != !cjk.isEmpty, !(latin.isEmpty && cjk.isEmpty) { end() }
                if isCJK { cjk.append(character) } else { latin.append(character) }
            }
            end()
            current = ""
        }
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                current.append(character)
                continue
            }
            flush()
        }
        flush()
        #expect(SearchTerms.words(text) == expected)
        #expect(!expected.isEmpty || text.isEmpty)
    }

    @Test func markdownHasEachPassageOnce() {
        let steps = (1...3).map { n in
            Step(id: Int64(n), worldID: 1, parentID: n == 1 ? nil : Int64(n - 1), depth: n,
                 instruction: n == 1 ? "" : "go \(n)",
                 content: StepContent(passage: "Passage \(n).", memoryChange: "", memory: "", indexLine: "", options: []),
                 telemetry: StepTelemetry(), createdAt: .now)
        }
        let plain = StoryMarkdown.render(title: "T", steps: steps, instructions: false)
        #expect(plain == "# T\n\nPassage 1.\n\nPassage 2.\n\nPassage 3.\n\n")
        #expect(StoryMarkdown.render(title: "T", steps: steps, instructions: true).contains("> go 2\n\nPassage 2."))
    }
}
