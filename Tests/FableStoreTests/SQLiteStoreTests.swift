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
}
