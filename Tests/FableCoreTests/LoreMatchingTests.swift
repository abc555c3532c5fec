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
