import FableBench
import FableCore
import Testing

/// The recall benchmark's corpora are fit to measure with: every paraphrase asks in other
/// words, the facts are distinct, and the prose has room to vary.
struct RecallCorpusTests {
    static let corpora: [RecallCorpus] = [.english, .chinese, .french]

    @Test(arguments: corpora.map(\.language))
    func everyParaphraseSharesNoContentWordWithItsFact(language: String) throws {
        let corpus = try #require(Self.corpora.first { $0.language == language })
        #expect(corpus.facts.count == 36)
        for fact in corpus.facts {
            let shared = RecallWorld.sharedWords(fact.fact, fact.paraphrase, functionWords: corpus.functionWords)
            #expect(shared.isEmpty, "\(fact.paraphrase) shares \(shared) with \(fact.fact)")
        }
        #expect(Set(corpus.facts.map(\.fact)).count == corpus.facts.count)
    }

    @Test(arguments: corpora.map(\.language))
    func theGrammarMakesThousandsOfDistinctSentences(language: String) throws {
        let corpus = try #require(Self.corpora.first { $0.language == language })
        let filler = RecallWorld.filler(corpus.grammar, count: 4_000)
        #expect(filler.count == 4_000)
        #expect(Set(filler).count == filler.count)
        // No slot is left unfilled.
        #expect(!filler.contains { $0.contains("{") })
    }

    @Test func theSharedWordCheckSeesNamesStemsAndCJKPairs() {
        #expect(RecallWorld.sharedWords("Mara hid the silver key.", "Where is Mara?", functionWords: []) == ["mara"])
        #expect(RecallWorld.sharedWords("The lighthouse keeper.", "The lighter.", functionWords: []) == ["light"])
        #expect(RecallWorld.sharedWords("张三把剑藏在井里。", "那把剑在哪里？", functionWords: []).contains("把剑"))
        #expect(RecallWorld.sharedWords("Mara hid the key.", "Where did the woman conceal the opener?", functionWords: []).isEmpty)
    }
}
