@testable import FableCore
import Foundation
import Testing

/// `/pattern/` keys look for their required text before asking ICU: never a different answer.
@Suite struct LorePatternPrefilterTests {
    @Test func theRequiredTextIsThePatternsLeadingPlainRun() {
        func literal(_ pattern: String) -> String? {
            RequiredLiteral.of(pattern).map { String(String.UnicodeScalarView($0)) }
        }
        #expect(literal("strange lights?") == "strange light")
        #expect(literal("lights? on the water") == "light")
        #expect(literal("floor(boards)?") == "floor")
        #expect(literal("Oil Store") == "oil store")
        #expect(literal("ab+c") == "ab")
        #expect(literal("abc*") == "ab")
        #expect(literal("abc{0,2}") == "ab")
        #expect(literal("ab\\b") == "ab")
        #expect(literal("wolf|wolves") == nil, "an alternative makes the run optional")
        #expect(literal("wolf(ves|s)?") == "wolf", "an alternative inside a group does not")
        #expect(literal("wolf[|]") == nil, "sets are not followed")
        #expect(literal("wolf\\|x") == "wolf")
        #expect(literal("wolf(a)|b") == nil)
        #expect(literal("wolf[(]|b") == nil)
        #expect(literal("wolf(a") == nil, "unbalanced: not followed")
        #expect(literal("ab?") == nil, "one character is too little to be worth it")
        #expect(literal("^the") == nil)
        #expect(literal("(?i)the") == nil)
        #expect(literal("\\bthe") == nil)
        #expect(literal("straße") == "stra")
    }

    @Test func charactersThatICUCanReadAsASCIILettersAreKnown() {
        for scalar: Unicode.Scalar in ["\u{212A}", "ſ", "ß", "ẞ", "ﬁ", "ﬀ", "İ", "ı"] {
            #expect(RequiredLiteral.mayMatchASCII(scalar), "\(scalar)")
        }
        for scalar: Unicode.Scalar in ["—", "’", "“", "é", "Ω", "灯", "😀", "\u{00A0}", "\u{212B}"] {
            #expect(!RequiredLiteral.mayMatchASCII(scalar), "\(scalar)")
        }
    }

    /// Every character outside ASCII up to U+1FFFF that ICU's case-insensitive matching reads as an
    /// ASCII letter (one letter: `[a-z]` matches it; several: its case folding holds one) is known.
    @Test func noOtherCharacterFoldsToAnASCIILetter() throws {
        let letter = try NSRegularExpression(pattern: "[a-z]", options: [.caseInsensitive])
        var missed: [String] = []
        for value in UInt32(0x80)...0x1FFFF {
            guard let scalar = Unicode.Scalar(value), !RequiredLiteral.mayMatchASCII(scalar) else { continue }
            let text = String(scalar)
            let folded = text.folding(options: .caseInsensitive, locale: nil)
            if letter.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                || folded.unicodeScalars.contains(where: { ("a"..."z").contains($0) }) {
                missed.append(String(format: "U+%04X", value))
            }
        }
        #expect(missed.isEmpty, "\(missed)")
    }

    /// Random texts, with the characters ICU folds to ASCII letters among them: every pattern
    /// answers as ICU alone answers.
    @Test func patternsAnswerAsICUAloneWould() throws {
        let patterns = ["strange lights?", "lights? on the water", "floor(boards)?", "oil store", "ss", "fi", "kelvin",
                        "ab+c", "the$", "st ar", "oil\\b", "wolf|wolves", "wolf(ves|s)?", "wol(f|ves)", "stra(n|ng)e|oil", "a[|]b", "ﬁsh", "straße", "is", "ff", "dim light"]
        let pieces = ["strange", "STRANGE", "light", "Lights", " on the water", "floor", "FLOORBOARDS", "oil", " store",
                      "ſtrange", "\u{212A}elvin", "kelvin", "ß", "ẞ", "ss", "ﬁsh", "fish", "İs", "ıs", "ﬀ", "—", "’",
                      "abbbc", "ac", "a|b", "star", "wolf", "WOLVES", "st ar", "wolves", "é", " ", "\n", "the", ".", "dim", "DİM LIGHT"]
        var generator = SeededGenerator(seed: 29)
        var checked = 0
        var prefiltered = 0
        for _ in 0..<1_500 {
            let text = (0..<Int.random(in: 0...6, using: &generator))
                .map { _ in pieces.randomElement(using: &generator)! }.joined()
            let prepared = LoreText(text)
            for pattern in patterns {
                let expression = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
                let icu = expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
                #expect(LoreKey.pattern(pattern).matches(prepared) == icu, "/\(pattern)/ in \(text.debugDescription)")
                if let required = RequiredLiteral.of(pattern), !prepared.mayHideASCII, !prepared.contains(literal: required) {
                    prefiltered += 1
                }
                checked += 1
            }
        }
        // The prefilter answered a good share without ICU (else this test tests nothing new).
        #expect(prefiltered > checked / 4, "\(prefiltered) of \(checked)")
    }
}
