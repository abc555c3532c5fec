import FableCore
import FableStore
import FableStub
import Foundation
import Testing

@Suite(.serialized, .timeLimit(.minutes(5))) struct DenseRetrievalCommandTests {
    @Test func writeStoresAVectorPerStepFromTheFlagOrTheConfigFile() async throws {
        // The stub answers chat completions and embeddings on the same port.
        let stub = try await StubLLMServer.start(script: StubStoryteller().script())
        defer { Task { await stub.stop() } }
        let folder = temporaryFolder()
        let arguments = ["write", "--story", storyPath, "--out", "story.md", "--db", "d.sqlite"]
        let first = try await FableProcess.run(arguments + ["--steps", "5", "--embeddings-url", stub.url],
                                               in: folder, llmURL: stub.url)
        #expect(first.status == 0, "\(first.err)")
        let label = "write:" + folder.appendingPathComponent("story.md").standardizedFileURL.path
        do {
            let store = try SQLiteStore(path: folder.appendingPathComponent("d.sqlite").path)
            let world = try #require(try await store.world(label: label))
            #expect(try await store.vectorCount(worldID: world.id, model: "multilingual-e5-small") == 5)
        }

        // Another model, from the config file: new steps get its vectors and fill in the old ones.
        try "embeddings:\n  url: \(stub.url)\n  model: other-model\n"
            .write(to: folder.appendingPathComponent("fable.yaml"), atomically: true, encoding: .utf8)
        let second = try await FableProcess.run(arguments + ["--steps", "7"], in: folder, llmURL: stub.url)
        #expect(second.status == 0, "\(second.err)")
        let store = try SQLiteStore(path: folder.appendingPathComponent("d.sqlite").path)
        let world = try #require(try await store.world(label: label))
        #expect(try await store.stepCount(worldID: world.id) == 7)
        #expect(try await store.vectorCount(worldID: world.id, model: "other-model") == 7)
        #expect(try await store.vectorCount(worldID: world.id, model: "multilingual-e5-small") == 0)
    }

    @Test func anUnreachableEmbeddingsServerDoesNotStopTheStory() async throws {
        let stub = try await StubLLMServer.start(script: StubStoryteller().script())
        defer { Task { await stub.stop() } }
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

    @Test func aBadPrefixSettingIsRefused() async throws {
        let result = try await FableProcess.run(
            ["write", "--story", storyPath, "--out", "story.md", "--steps", "1", "--embeddings-url", "http://127.0.0.1:9/v1",
             "--embeddings-prefix", "sideways"], in: temporaryFolder(), llmURL: "http://127.0.0.1:9/v1")
        #expect(result.status != 0)
        #expect(result.err.contains("the embeddings prefix must be one of auto, input-type, text, none"))
    }

    @Test func benchRecallPrintsTheTable() async throws {
        let result = try await FableProcess.run(["bench", "recall", "--stub-embeddings", "--steps", "100"],
                                                in: temporaryFolder(), llmURL: "http://127.0.0.1:9/v1", timeout: .seconds(120))
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("world: 100 steps, 36 planted facts"))
        #expect(result.out.contains("paraphrase questions sharing a word stem with their fact: 0 of 36"))
        #expect(result.out.contains("| lexical | question alone | BM25 alone | 36/36 = 1.00 | 36/36 = 1.00 |"))
        #expect(result.out.contains("| paraphrase | question + memory | BM25 + dense (Fable: RRF, leaders kept) |"))
    }
}
