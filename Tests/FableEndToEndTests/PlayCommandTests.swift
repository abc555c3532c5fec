import FableCore
import FableStore
import FableStub
import Foundation
import Synchronization
import Testing

@Suite(.serialized, .timeLimit(.minutes(5))) struct PlayCommandTests {
    @Test func playsUndoesAndResumes() async throws {
        try await StubLLMServer.serving(script: StubStoryteller().script()) { stub in
            let folder = temporaryFolder()
            let arguments = ["play", "--story", storyPath, "--db", "p.sqlite"]
            let script = "1\nI look under the floor of the oil store\nretry\nundo\nmemory\nrecall ferryman lantern\nrecap\nexport saved.md\nhelp\nquit\n"
            let session = try await FableProcess.run(arguments, in: folder, llmURL: stub.url, stdin: script)
            #expect(session.status == 0, "\(session.err)")
            #expect(session.out.contains("Step 1. ") && session.out.contains("Step 4. "))
            #expect(session.out.contains("  1. ") && session.out.contains("  3. "))
            #expect(session.out.contains("What the storyteller keeps in mind:"))
            #expect(session.out.contains("Saved 2 steps to saved.md."))
            #expect(session.out.contains("undo / redo"))

            let store = try SQLiteStore(path: folder.appendingPathComponent("p.sqlite").path)
            let world = try #require(try await store.latestWorld(storyID: "lighthouse"))
            let headID = try #require(world.headStepID)
            let head = try #require(try await store.step(id: headID))
            #expect(head.depth == 2, "undo after retry returns to the chosen option's step")
            #expect(try await store.stepCount(worldID: world.id) == 4, "retry kept the old version")
            #expect(world.redoStack.count == 1)
            let saved = try String(contentsOf: folder.appendingPathComponent("saved.md"), encoding: .utf8)
            #expect(saved.contains(head.content.passage) && saved.contains("> \(head.instruction)"))

            // A second run resumes the same world at the same step.
            let resumed = try await FableProcess.run(arguments, in: folder, llmURL: stub.url, stdin: "redo\nquit\n")
            #expect(resumed.status == 0)
            #expect(resumed.out.contains("world \(world.id)"))
            #expect(resumed.out.contains(String(head.content.passage.prefix(40))))
            #expect(try await store.world(id: world.id)?.headStepID != world.headStepID, "redo moved the head")
            #expect(stub.requests.count == 4)
        }
    }

    /// A weak model may need more tries than the default two retries; `reply_retries` gives them.
    @Test func replyRetriesGiveAWeakModelMoreTries() async throws {
        let story = StubStoryteller()
        let requests = Mutex(0)
        try await StubLLMServer.serving(script: { request in
            let number = requests.withLock { count in
                count += 1
                return count
            }
            return number <= 4 ? .stream(content: "Once upon a time, not JSON.")
                : .stream(content: story.nextReply(opening: request.asksForOutline))
        }) { stub in
            let folder = temporaryFolder()
            let arguments = ["play", "--story", storyPath, "--db", "p.sqlite"]

            let byDefault = try await FableProcess.run(arguments, in: folder, llmURL: stub.url, stdin: "quit\n")
            #expect(byDefault.out.contains("3 unusable replies") || byDefault.err.contains("3 unusable replies"),
                    "\(byDefault.out)\n\(byDefault.err)")
            #expect(stub.requests.count == 3)

            let patient = try await FableProcess.run(arguments, in: folder, llmURL: stub.url, stdin: "quit\n",
                                                     environment: ["FABLE_LLM_REPLY_RETRIES": "4"])
            #expect(patient.status == 0, "\(patient.err)")
            #expect(patient.out.contains("Step 1. "), "\(patient.out)")
            #expect(stub.requests.count == 3 + 2, "the fourth bad reply, then a good one")

            let wrong = try await FableProcess.run(arguments, in: folder, llmURL: stub.url, stdin: "quit\n",
                                                   environment: ["FABLE_LLM_REPLY_RETRIES": "12"])
            #expect(wrong.status != 0)
            #expect(wrong.err.contains("reply_retries must be a whole number from 0 to 10"), "\(wrong.err)")
        }
    }

    @Test func saysPlainlyWhenNoModelAnswers() async throws {
        let stub = try await StubLLMServer.start { _ in .hang }
        let url = stub.url
        await stub.stop()
        let folder = temporaryFolder()
        let result = try await FableProcess.run(["play", "--story", storyPath, "--db", "p.sqlite"],
                                                in: folder, llmURL: url, stdin: "")
        #expect(result.status == 1)
        let lines = result.err.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.err.contains("no language model answers at \(url)"))
        let store = try SQLiteStore(path: folder.appendingPathComponent("p.sqlite").path)
        #expect(try await store.integrityCheck() == "ok")
    }
}
