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

    /// `stepsInFileAlone` once it is not 0, or after 10 s.
    private func stepsReachingTheFileAlone(_ path: String, worldID: Int64) async throws -> Int {
        var found = 0
        for _ in 0..<100 where found == 0 {
            try await Task.sleep(for: .milliseconds(100))
            found = try await stepsInFileAlone(path, worldID: worldID)
        }
        return found
    }

    @Test func everyStepMakesTheWriterWaitForTheDisk() async throws {
        // GRDB's pool sets NORMAL when it turns WAL on; the store must set its own afterwards.
        #expect(try await SQLiteStore(path: temporaryDatabase(), durability: .everyCommit).writerSynchronous() == 2)
        #expect(try await SQLiteStore(path: temporaryDatabase(), durability: .within(.seconds(1))).writerSynchronous() == 1)
        // Opening an existing file again sets it again (it is per connection, not in the file).
        let path = temporaryDatabase()
        _ = try SQLiteStore(path: path, durability: .within(.seconds(1)))
        #expect(try await SQLiteStore(path: path).writerSynchronous() == 2)
    }

    @Test func aBackgroundCheckpointPutsCommitsInTheFileWithinTheInterval() async throws {
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path, durability: .within(.milliseconds(100)))
        let worldID = try await commitOneStep(store)
        #expect(try await stepsReachingTheFileAlone(path, worldID: worldID) == 1)
    }

    @Test func everyStepDurabilityAlsoCheckpointsOffTheCommitsPath() async throws {
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path, durability: .everyCommit)
        let worldID = try await commitOneStep(store)
        #expect(try await stepsReachingTheFileAlone(path, worldID: worldID) == 1)
    }

    @Test func aCommitStaysInTheLogUntilTheCheckpointerRuns() async throws {
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path, durability: .within(.seconds(3600)))
        let worldID = try await commitOneStep(store)
        try await Task.sleep(for: .milliseconds(500))
        // The commit ran no checkpoint of its own (SQLite's automatic one is left to the
        // checkpointer): the step is in the log alone, which is what makes the tests above
        // mean something.
        #expect(try await stepsInFileAlone(path, worldID: worldID) == 0)
        #expect(try await store.stepCount(worldID: worldID) == 1)
    }
}
