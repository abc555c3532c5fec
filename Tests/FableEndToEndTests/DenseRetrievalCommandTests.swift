import FableBench
import FableCore
import FableStore
import FableStub
import Foundation
import Testing

@Suite(.serialized, .timeLimit(.minutes(5))) struct DenseRetrievalCommandTests {
    @Test func writeStoresAVectorPerStepFromTheFlagOrTheConfigFile() async throws {
        // The stub answers chat completions and embeddings on the same port.
        try await StubLLMServer.serving(script: StubStoryteller().script()) { stub in
            let folder = temporaryFolder()
            let arguments = ["write", "--story", storyPath, "--out", "story.md", "--db", "d.sqlite"]
            let first = try await FableProcess.run(arguments + ["--steps", "5", "--embeddings-url", stub.url],
                                                   in: folder, llmURL: stub.url)
            #expect(first.status == 0, "\(first.err)")
            let label = "write:" + folder.appendingPathComponent("story.md").standardizedFileURL.path
            do {
                let store = try SQLiteStore(path: folder.appendingPathComponent("d.sqlite").path)
                let world = try #require(try await store.world(label: label))
                #expect(try await store.vectorCount(worldID: world.id, model: "multilingual-e5-small")
                        == (try await store.pieceCount(worldID: world.id)))
            }

            // Another model, from the config file: new steps get its vectors and fill in the old ones.
            try "embeddings:\n  url: \(stub.url)\n  model: other-model\n"
                .write(to: folder.appendingPathComponent("fable.yaml"), atomically: true, encoding: .utf8)
            let second = try await FableProcess.run(arguments + ["--steps", "7"], in: folder, llmURL: stub.url,
                                                    environment: ["FABLE_EMBEDDINGS_URL": ""])
            #expect(second.status == 0, "\(second.err)")
            let store = try SQLiteStore(path: folder.appendingPathComponent("d.sqlite").path)
            let world = try #require(try await store.world(label: label))
            #expect(try await store.stepCount(worldID: world.id) == 7)
            #expect(try await store.vectorCount(worldID: world.id, model: "other-model") == (try await store.pieceCount(worldID: world.id)))
            #expect(try await store.vectorCount(worldID: world.id, model: "multilingual-e5-small") == 0)
        }
    }

    /// `fable write` plants facts in ordinary prose, and later offers options that ask for
    /// them: each fact must reach the prompt of the step that follows those options. With
    /// the real local embeddings (`scripts/test` starts them) the options ask in other words;
    /// with the stub's hashed words, in the fact's own.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FABLE_TEST_EMBEDDINGS_URL"] != nil,
                   "the paraphrases need the real embeddings (FABLE_TEST_EMBEDDINGS_URL, set by scripts/test)"))
    func factsAskedForInOtherWordsReachThePrompt() async throws {
        try await plantAndAsk(paraphrased: true)
    }

    @Test func factsAskedForInTheirOwnWordsReachThePromptWithTheStubEmbeddings() async throws {
        try await plantAndAsk(paraphrased: false)
    }

    private func plantAndAsk(paraphrased: Bool) async throws {
        let real = ProcessInfo.processInfo.environment["FABLE_TEST_EMBEDDINGS_URL"]
        let facts = Array(RecallCorpus.english.facts.prefix(5))
        var planted: [Int: String] = [:]
        var options: [Int: [String]] = [:]
        for (index, fact) in facts.enumerated() {
            planted[2 + index * 3] = fact.fact
            options[20 + index] = ["Walk down to the quay.", paraphrased ? fact.paraphrase : fact.lexical, "Rest a while."]
        }
        try await StubLLMServer.serving(script: StubStoryteller(planted: planted, options: options).script()) { stub in
            let result = try await FableProcess.run(
                ["write", "--story", storyPath, "--out", "story.md", "--db", "d.sqlite", "--steps", "25",
                 "--embeddings-url", paraphrased ? real ?? "" : stub.url], in: temporaryFolder(), llmURL: stub.url,
                timeout: .seconds(240))
            #expect(result.status == 0, "\(result.err)")
            let prompts = stub.requests.filter(\.hasSchema).map(\.promptText)
            #expect(prompts.count == 25)
            for (index, fact) in facts.enumerated() {
                // Request 21 + index follows reply 20 + index, whose options ask for the fact.
                #expect(prompts[20 + index].contains(fact.fact), "\(fact.fact) not retrieved for its question")
            }
        }
    }

    @Test func anUnreachableEmbeddingsServerDoesNotStopTheStory() async throws {
        try await StubLLMServer.serving(script: StubStoryteller().script()) { stub in
            let folder = temporaryFolder()
            let result = try await FableProcess.run(
                ["write", "--story", storyPath, "--out", "story.md", "--db", "d.sqlite", "--steps", "4",
                 "--embeddings-url", "http://127.0.0.1:9/v1"], in: folder, llmURL: stub.url)
            #expect(result.status == 0, "\(result.err)")
            let store = try SQLiteStore(path: folder.appendingPathComponent("d.sqlite").path)
            let world = try #require(try await store.latestWorld(storyID: "lighthouse"))
            #expect(try await store.stepCount(worldID: world.id) == 4)
            #expect(try await store.vectorCount(worldID: world.id, model: "multilingual-e5-small") == 0)
        }
    }

    @Test func aBadPrefixSettingIsRefused() async throws {
        let result = try await FableProcess.run(
            ["write", "--story", storyPath, "--out", "story.md", "--steps", "1", "--embeddings-url", "http://127.0.0.1:9/v1",
             "--embeddings-prefix", "sideways"], in: temporaryFolder(), llmURL: "http://127.0.0.1:9/v1")
        #expect(result.status != 0)
        #expect(result.err.contains("the embeddings prefix must be one of auto, input-type, text, none"))
    }

    @Test func benchRecallPrintsTheTable() async throws {
        let result = try await FableProcess.run(["bench", "recall", "--stub-embeddings", "--steps", "100", "--languages", "en"],
                                                in: temporaryFolder(), llmURL: "http://127.0.0.1:9/v1", timeout: .seconds(120))
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("world: en, 100 steps, 36 planted facts"))
        #expect(result.out.contains("paraphrases sharing a content word with their fact: 0 of 36"))
        #expect(result.out.contains("| lexical | chosen | BM25 alone | 36/36 = 1.00 | 36/36 = 1.00 |"))
        #expect(result.out.contains("| paraphrase | unattended | BM25 + dense (Fable) |"))
    }
}
