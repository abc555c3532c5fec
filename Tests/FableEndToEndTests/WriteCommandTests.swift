import FableCore
import FableStore
import FableStub
import Foundation
import Testing

@Suite(.serialized, .timeLimit(.minutes(5))) struct WriteCommandTests {
    /// "Step N." opens the stub's passage N; count each in the Markdown.
    func passageCounts(_ markdown: String, upTo n: Int) -> [Int] {
        (1...n).map { markdown.components(separatedBy: "Step \($0). ").count - 1 }
    }

    @Test func writesThenResumesWithEachPassageOnce() async throws {
        try await StubLLMServer.serving(script: StubStoryteller().script()) { stub in
            let folder = temporaryFolder()
            let arguments = ["write", "--story", storyPath, "--out", "story.md", "--db", "w.sqlite"]
            let first = try await FableProcess.run(arguments + ["--steps", "8"], in: folder, llmURL: stub.url)
            #expect(first.status == 0, "\(first.err)")
            #expect(first.out.isEmpty, "standard output stays clean")
            #expect(first.err.contains("step 8/8"))
            let second = try await FableProcess.run(arguments + ["--steps", "15"], in: folder, llmURL: stub.url)
            #expect(second.status == 0, "\(second.err)")
            let markdown = try String(contentsOf: folder.appendingPathComponent("story.md"), encoding: .utf8)
            #expect(markdown.hasPrefix("# The Last Keeper of Gull Rock\n\n"))
            #expect(passageCounts(markdown, upTo: 15) == Array(repeating: 1, count: 15))
            #expect(stub.requests.count == 15)
        }
    }

    @Test func killedMidRunLosesAndDuplicatesNothing() async throws {
        try await StubLLMServer.serving(script: StubStoryteller().script(chunkSize: 40, chunkDelay: .milliseconds(4))) { stub in
            let folder = temporaryFolder()
            let arguments = ["write", "--story", storyPath, "--out", "story.md", "--db", "w.sqlite", "--steps", "25"]
            for kill in 1...3 {
                let running = try FableProcess(arguments, in: folder, llmURL: stub.url)
                try await Task.sleep(for: .milliseconds(Int.random(in: 500...1200)))
                #expect(running.process.isRunning, "kill \(kill) came too late to test anything")
                Foundation.kill(running.process.processIdentifier, SIGKILL)
                _ = try await running.finish()
                let store = try SQLiteStore(path: folder.appendingPathComponent("w.sqlite").path)
                #expect(try await store.integrityCheck() == "ok")
            }
            let last = try await FableProcess.run(arguments, in: folder, llmURL: stub.url)
            #expect(last.status == 0, "\(last.err)")
            let store = try SQLiteStore(path: folder.appendingPathComponent("w.sqlite").path)
            #expect(try await store.integrityCheck() == "ok")
            let world = try #require(try await store.world(label: "write:" + folder.appendingPathComponent("story.md").standardizedFileURL.path))
            let headID = try #require(world.headStepID)
            let path = try await store.path(to: headID)
            #expect(path.map(\.depth) == Array(1...25))
            #expect(try await store.stepCount(worldID: world.id) == 25, "no half-written or orphan step")
            let markdown = try String(contentsOf: folder.appendingPathComponent("story.md"), encoding: .utf8)
            for step in path {
                #expect(markdown.components(separatedBy: step.content.passage).count - 1 == 1)
            }
        }
    }
}
