import FableCore
import FableEngine
import FableStore
import FableStub
import Foundation
import Testing

/// `fable inspect` and `fable admin` as a host runs them, on a database a reader played in.
@Suite(.serialized, .timeLimit(.minutes(3))) struct InspectCommandTests {
    @Test func inspectShowsTheReadersWorldAsTextAndAsStableJSON() async throws {
        try await StubLLMServer.serving(script: StubStoryteller().script()) { stub in
            let folder = temporaryFolder()
            let path = folder.appendingPathComponent("i.sqlite").path
            let store = try SQLiteStore(path: path)
            let account = try await store.createAccount(name: "Quinn", passwordHash: "x")
            let world = try await store.createWorld(label: "reader", premise: Premise(
                storyID: "marsh", title: "The Marsh Bell", body: "A bell is lost in the marsh.", canon: ["Bells ring true."]),
                                                    ownerID: account.id)
            try await store.setLastWorld(accountID: account.id, worldID: world.id)
            let storyteller = Storyteller(store: store, model: ScriptedChatModel())
            for events in [storyteller.begin(worldID: world.id)] { for try await _ in events {} }
            for _ in 0..<3 { for try await _ in storyteller.advance(worldID: world.id, instruction: .option(0)) {} }
            _ = try await storyteller.revise(worldID: world.id, .pin("The ferryman lies."))

            let text = try await FableProcess.run(["inspect", "quinn", "--db", "i.sqlite"], in: folder, llmURL: stub.url)
            #expect(text.status == 0, "\(text.err)")
            for heading in ["World 1: The Marsh Bell", "Outline:", "Step 4 (id", "Short-term memory:", "Pinned: The ferryman lies.",
                            "pin 1: The ferryman lies.", "canon: Bells ring true.", "Options:", "Next step would retrieve",
                            "Last model call", "--- system ---", "--- reply ---"] {
                #expect(text.out.contains(heading), "missing \(heading)")
            }
            let json = try await FableProcess.run(["inspect", "Quinn", "--json", "--step", "2", "--db", "i.sqlite"],
                                                  in: folder, llmURL: stub.url)
            #expect(json.status == 0, "\(json.err)")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let report = try decoder.decode(Inspection.self, from: Data(json.out.utf8))
            #expect(report.format == "fable-inspect" && report.version == 1)
            #expect(report.step?.depth == 2)
            #expect(report.pins.isEmpty, "step 2 came before the pin")
            #expect(report.lastCall?.reply?.contains("Step 2.") == true)
            #expect(report.nextRetrieval.allSatisfy { $0.depth < 2 })

            let edit = try await FableProcess.run(["memory", "quinn", "--edit", "The bell was never lost.", "--db", "i.sqlite"],
                                                  in: folder, llmURL: stub.url)
            #expect(edit.status == 0, "\(edit.err)")
            let head = try #require(try await store.world(id: world.id)?.headStepID)
            let revised = try #require(try await store.step(id: head))
            #expect(revised.kind == .revision && revised.content.memory == "The bell was never lost.")
            #expect(revised.content.pins == ["The ferryman lies."], "an edit keeps the pins")

            let missing = try await FableProcess.run(["inspect", "nobody", "--db", "i.sqlite"], in: folder, llmURL: stub.url)
            #expect(missing.status != 0)
            #expect(missing.err.contains("there is no reader called nobody"))
        }
    }

    @Test func adminGrantAndRevoke() async throws {
        let folder = temporaryFolder()
        let store = try SQLiteStore(path: folder.appendingPathComponent("a.sqlite").path)
        _ = try await store.createAccount(name: "Rhea", passwordHash: "x")
        let grant = try await FableProcess.run(["admin", "grant", "rhea", "--db", "a.sqlite"], in: folder, llmURL: "")
        #expect(grant.status == 0, "\(grant.err)")
        #expect(try await store.account(name: "rhea")?.isAdmin == true)
        let revoke = try await FableProcess.run(["admin", "revoke", "RHEA", "--db", "a.sqlite"], in: folder, llmURL: "")
        #expect(revoke.status == 0)
        #expect(try await store.account(name: "rhea")?.isAdmin == false)
        let nobody = try await FableProcess.run(["admin", "grant", "ghost", "--db", "a.sqlite"], in: folder, llmURL: "")
        #expect(nobody.status != 0)
    }
}
