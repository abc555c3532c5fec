import FableCore
import FableStore
import FableTestSupport
import Foundation
import Testing

/// A fresh database file in a scratch folder of its own.
func temporaryDatabase(_ name: String = "fable.sqlite") -> String {
    ScratchFolder.file(name, prefix: "fable-test")
}

let testPremise = Premise(storyID: "test", title: "Test", body: "A test premise.")

func draft(world: Int64, parent: Step?, passage: String, index: String = "something happens") -> StepDraft {
    StepDraft(worldID: world, parentID: parent?.id, depth: (parent?.depth ?? 0) + 1, instruction: "go",
              content: StepContent(outline: parent == nil ? "The outline." : nil, passage: passage,
                                   memoryChange: "change", memory: "memory of \(passage)", indexLine: index,
                                   options: ["a", "b", "c"]),
              telemetry: StepTelemetry(model: "test", promptTokens: 10, completionTokens: 5))
}

@Suite struct SQLiteStoreTests {
    @Test func migratesAFreshFileOwnerOnlyInWALMode() async throws {
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try await store.integrityCheck() == "ok")
        #expect(try await store.journalMode() == "wal")
        // Opening again runs no migration twice.
        let again = try SQLiteStore(path: path)
        #expect(try await again.world(id: 1) == nil)
    }

    @Test func commitsAndReadsBackAfterReopening() async throws {
        let path = temporaryDatabase()
        var worldID: Int64 = 0
        var headID: Int64 = 0
        do {
            let store = try SQLiteStore(path: path)
            let world = try await store.createWorld(label: "w", premise: testPremise)
            worldID = world.id
            let first = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
            let second = try await store.commit(draft(world: world.id, parent: first, passage: "Two"), expectedHead: first.id)
            headID = second.id
        }
        let store = try SQLiteStore(path: path)
        let world = try #require(try await store.world(id: worldID))
        #expect(world.headStepID == headID)
        #expect(world.premise == testPremise)
        let path2 = try await store.path(to: headID)
        #expect(path2.map(\.content.passage) == ["One", "Two"])
        #expect(path2.map(\.depth) == [1, 2])
        #expect(path2[1].content.options == ["a", "b", "c"])
        #expect(try await store.opening(of: headID).content.outline == "The outline.")
        #expect(try await store.world(label: "w")?.id == worldID)
        #expect(try await store.latestWorld(storyID: "test")?.id == worldID)
    }

    @Test func aCommitAgainstAMovedHeadWritesNothing() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let first = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        await #expect(throws: StoreError.headMoved) {
            try await store.commit(draft(world: world.id, parent: first, passage: "Stale"), expectedHead: nil)
        }
        #expect(try await store.stepCount(worldID: world.id) == 1)
        #expect(try await store.searchBranch(endingAt: first.id, terms: ["stale"], limit: 3).isEmpty)
        #expect(try await store.world(id: world.id)?.headStepID == first.id)
    }

    @Test func searchSeesOnlyItsOwnBranch() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let root = try await store.commit(draft(world: world.id, parent: nil, passage: "The harbour at dawn."), expectedHead: nil)
        let a1 = try await store.commit(draft(world: world.id, parent: root, passage: "A dragon sleeps in the cellar."), expectedHead: root.id)
        let a2 = try await store.commit(draft(world: world.id, parent: a1, passage: "You climb the stairs."), expectedHead: a1.id)
        // Undo twice, then write another branch from the root.
        _ = try await store.undo(worldID: world.id)
        _ = try await store.undo(worldID: world.id)
        let b1 = try await store.commit(draft(world: world.id, parent: root, passage: "A quiet market day."), expectedHead: root.id)
        let b2 = try await store.commit(draft(world: world.id, parent: b1, passage: "Bread and fish."), expectedHead: b1.id)

        #expect(try await store.searchBranch(endingAt: b2.id, terms: ["dragon"], limit: 3).isEmpty)
        let found = try await store.searchBranch(endingAt: a2.id, terms: ["dragon"], limit: 3)
        #expect(found.map(\.stepID) == [a1.id])
        #expect(found.first?.depth == 2)
        // Another world with the same words is never searched.
        let other = try await store.createWorld(label: "o", premise: testPremise)
        let otherRoot = try await store.commit(draft(world: other.id, parent: nil, passage: "Another dragon."), expectedHead: nil)
        #expect(try await store.searchBranch(endingAt: b2.id, terms: ["dragon"], limit: 3).isEmpty)
        #expect(try await store.searchBranch(endingAt: otherRoot.id, terms: ["dragon"], limit: 3).map(\.stepID) == [otherRoot.id])
    }

    @Test func ranksIndexLinesAndStemsWords() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "w", premise: testPremise)
        var head = try await store.commit(draft(world: world.id, parent: nil, passage: "Start."), expectedHead: nil)
        for n in 1...20 {
            let passage = n == 7 ? "The keeper hides the silver keys under the stairs." : "Waves and wind, hour \(n)."
            head = try await store.commit(draft(world: world.id, parent: head, passage: passage), expectedHead: head.id)
        }
        let found = try await store.searchBranch(endingAt: head.id, terms: ["silver", "key"], limit: 3)
        #expect(found.first?.depth == 8)
    }

    @Test func undoAndRedoMoveTheHeadAndKeepEveryStep() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let one = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        let two = try await store.commit(draft(world: world.id, parent: one, passage: "Two"), expectedHead: one.id)
        await #expect(throws: StoreError.nothingToRedo) { try await store.redo(worldID: world.id) }
        #expect(try await store.undo(worldID: world.id).headStepID == one.id)
        await #expect(throws: StoreError.nothingToUndo) { try await store.undo(worldID: world.id) }
        #expect(try await store.redo(worldID: world.id).headStepID == two.id)
        _ = try await store.undo(worldID: world.id)
        // A new step after undo clears the redo stack but keeps the old branch.
        let three = try await store.commit(draft(world: world.id, parent: one, passage: "Three"), expectedHead: one.id)
        #expect(try await store.world(id: world.id)?.redoStack == [])
        #expect(try await store.step(id: two.id)?.content.passage == "Two")
        #expect(try await store.path(to: three.id).map(\.content.passage) == ["One", "Three"])
        #expect(try await store.stepCount(worldID: world.id) == 3)
    }
}
