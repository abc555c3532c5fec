@testable import FableCore
import Testing

@Suite struct PassageSalvageTests {
    @Test func keepsTheWholeSentencesReadAndDropsTheCutOne() {
        let shown = "The bell rings. “Who’s there?” she asks. It is 3.5 miles to the keep… The lan"
        #expect(PassageSalvage.wholeSentences(of: shown, minimum: 10)
                == "The bell rings. “Who’s there?” she asks. It is 3.5 miles to the keep…")
        #expect(PassageSalvage.wholeSentences(of: "你走下码头。潮水正在上涨！灯塔", minimum: 5) == "你走下码头。潮水正在上涨！")
    }

    @Test func tooLittleOrNoWholeSentenceKeepsNothing() {
        #expect(PassageSalvage.wholeSentences(of: "The bell rings. The lan", minimum: 40) == nil)
        #expect(PassageSalvage.wholeSentences(of: "The bell rings and the lantern", minimum: 5) == nil)
        #expect(PassageSalvage.wholeSentences(of: "", minimum: 0) == nil)
    }
}
