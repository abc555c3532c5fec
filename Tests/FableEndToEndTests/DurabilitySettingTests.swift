import FableStore
import FableStub
import Foundation
import Testing

/// `--durability`, `FABLE_DURABILITY` or the config file's `durability`.
@Suite(.serialized, .timeLimit(.minutes(5))) struct DurabilitySettingTests {
    @Test func eitherDurabilityKeepsEveryStep() async throws {
        try await StubLLMServer.serving(script: StubStoryteller().script()) { stub in
            let folder = temporaryFolder()
            for (steps, durability) in [(3, "every-step"), (5, "every-second")] {
                let result = try await FableProcess.run(
                    ["write", "--story", storyPath, "--out", "story.md", "--db", "d.sqlite", "--steps", "\(steps)",
                     "--durability", durability], in: folder, llmURL: stub.url)
                #expect(result.status == 0, "\(result.err)")
            }
            let store = try SQLiteStore(path: folder.appendingPathComponent("d.sqlite").path)
            let world = try #require(try await store.latestWorld(storyID: "lighthouse"))
            #expect(try await store.stepCount(worldID: world.id) == 5)
        }
    }

    @Test func anUnknownDurabilityIsRefusedFromTheFlagOrTheFile() async throws {
        let folder = temporaryFolder()
        let arguments = ["write", "--story", storyPath, "--out", "story.md", "--steps", "1"]
        let flag = try await FableProcess.run(arguments + ["--durability", "sometimes"], in: folder,
                                              llmURL: "http://127.0.0.1:9/v1")
        #expect(flag.status != 0)
        #expect(flag.err.contains("durability must be every-step or every-second, not \"sometimes\""))

        try "durability: never\n".write(to: folder.appendingPathComponent("fable.yaml"), atomically: true, encoding: .utf8)
        let file = try await FableProcess.run(arguments, in: folder, llmURL: "http://127.0.0.1:9/v1")
        #expect(file.status != 0)
        #expect(file.err.contains("not \"never\""))
    }
}
