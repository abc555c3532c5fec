@testable import FableCore
import Testing

@Suite struct ProseCheckTests {
    @Test(arguments: [
        "The lantern gutters as you step onto the reed bridge; below, the water is black and slow.",
        "“Wake up,” she says. — Who goes there? (Later.) ¿Quién anda ahí?",
        "Tu descends vers le quai. La marée monte, et le phare s'allume au-dessus des rochers.",
        "Die Donaudampfschifffahrtsgesellschaft legte um 1923 am Kai an.",
        "你走下码头，潮水正在上涨，灯塔在礁石上方亮了起来。老守塔人说，三年前她就把钥匙藏在了井里。",
        "Climb the rhythm of the stairs to the lamp room.",
        "Ask Tam about the 2081 storm.",
        "Rest by the eel (100000c).",
        "Pay 100000 coins.",
        "On 12 March 1923, at 10:45, three of the 14 men rowed out to the rock with 2 lanterns and 40 fathoms of rope.",
        "Go.",
    ])
    func proseInAnyLanguagePasses(text: String) {
        #expect(ProseCheck.isProse(text))
    }

    @Test(arguments: [
        #"""
        ""

        ",">".</>", "\\'<=>`, "'','"', "',`:"; """; ""::''; "".*;"""; """."""."""."""."
        """#,
        "a5,u4078269-13c7.tjvnpw4yYVNnCJ1EHWUiRFZLxKrqYBg+MZlzbG/sXoGdOEhk3Lm_55,S8D0u2QA9I6p74eT-jvw",
        "jmfjzlkjdjhjs&",
        "The keeper climbs. Ja1aLtPf9HnFNrVxYgCKR+BzZMqcXybWXdOU/sGZjlN2i_h85.k0oDmS4gQ3u7eIwvJ1T6pAaE9Lf",
        "!!! ??? ... --- *** ### $$$ %%% &&& @@@",
        "and had three actions written: 1-3; 2-4; 5-6. 7-8; 9-10; 11-12; 13; 14, 15, 16, 17, 18, 19, 20 and 21; 22, 23 and 24.",
    ])
    func noisePassesNot(text: String) {
        #expect(!ProseCheck.isProse(text))
    }

    @Test func asciiIsToldApartAsUnicodesTablesTellIt() {
        for value in UInt8(0)...127 {
            let scalar = Unicode.Scalar(value)
            #expect(TextMeasure.isLetter(scalar) == scalar.properties.isAlphabetic, "\(value)")
            #expect(TextMeasure.isDigit(scalar) == (scalar.properties.numericType != nil), "\(value)")
            #expect(TextMeasure.isWhitespace(scalar) == scalar.properties.isWhitespace, "\(value)")
        }
    }

    @Test func aWindowCutFromALongerTextIsNotJudgedByItsWordsVowels() {
        #expect(!ProseCheck.isProse("jmfjzlkjdjhjs"))
        #expect(ProseCheck.isProse("jmfjzlkjdjhjs", wordsAreWhole: false))
    }
}
