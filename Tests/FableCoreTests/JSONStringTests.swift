import FableCore
import Foundation
import Testing

struct JSONStringTests {
    @Test(arguments: ["plain", "say \"hi\"", "back\\slash", "line\nbreak\r\ttab", "bell\u{07} nul\u{00} del\u{7F}",
                      "js \u{2028} \u{2029}", "wide 山 é 🐚"])
    func aQuotedStringReadsBackAsItWasAndHoldsNoRawControlCharacter(text: String) throws {
        let quoted = JSONString.quoted(text)
        #expect(!quoted.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{2028}" || $0 == "\u{2029}" })
        let read = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
        #expect(read == [text])
    }
}
