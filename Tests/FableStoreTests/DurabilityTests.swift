import FableCore
import FableStore
import Foundation
import Testing

/// What reaches the database file itself, not only its write-ahead log, under each durability.
/// The file is copied without its log and opened: whatever the copy holds was checkpointed.
@Suite struct DurabilityTests {
    private func commitOneStep(_ store: SQLiteStore) async throws -> Int64 {
        let world = try await store.createWorld(label: "durable", premise: testPremise)
        _ = try await store.commit(draft(world: world.id, parent: nil, passage: "The lamp is lit."), expectedHead: nil)
        return world.id
    }

    /// The steps of `worldID` in a copy of the database file alone.
    private func stepsInFileAlone(_ path: String, worldID: Int64) async throws -> Int {
        let copy = temporaryDatabase("copy.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        return try await SQLiteStore(path: copy).stepCount(worldID: worldID)
    }

    @Test func aBackgroundCheckpointPutsCommitsInTheFileWithinTheInterval() async throws {
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path, durability: .within(.milliseconds(100)))
        let worldID = try await commitOneStep(store)
        var found = 0
        for _ in 0..<100 where found == 0 {
            try await Task.sleep(for: .milliseconds(100))
            found = try await stepsInFileAlone(path, worldID: worldID)
        }
        #expect(found == 1)
    }

    @Test func withoutTheCheckpointerACommitStaysInTheLogUntilSQLiteCheckpoints() async throws {
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path, durability: .everyCommit)
        let worldID = try await commitOneStep(store)
        try await Task.sleep(for: .milliseconds(500))
        // Far below SQLite's automatic checkpoint (1,000 pages): the step is in the log alone,
        // which is what makes the test above mean something.
        #expect(try await stepsInFileAlone(path, worldID: worldID) == 0)
        #expect(try await store.stepCount(worldID: worldID) == 1)
    }
}
