import FableCore
import FableStore
import Foundation

/// The step bench's world: the recall bench's English world of some size, written through
/// the store's own commit (or found from an earlier run), with a vector for every piece.
struct StepBenchWorld {
    /// The store of the kept world: the samples' copies are made through it (`copy`).
    var store: SQLiteStore
    var id: Int64
    var head: Int64

    static func prepare(size: Int, path: String, model: String, dimensions: Int,
                        report: (String) -> Void) async throws -> StepBenchWorld {
        let store = try SQLiteStore(path: path)
        let writing = ContinuousClock.now
        let (worldID, headID, _, reused) = try await RecallWorld(corpus: .english, steps: size).open(in: store)
        report(reused ? "world reused from \(path)"
                      : "world written in \(seconds(since: writing)) (\(path))")
        let started = ContinuousClock.now
        let count = try await storeMissingVectors(store: store, worldID: worldID, model: model, dimensions: dimensions)
        if count > 0 { report("vectors: \(count) stored in \(seconds(since: started))") }
        return StepBenchWorld(store: store, id: worldID, head: headID)
    }

    /// Gives every piece of the world without a vector one.
    private static func storeMissingVectors(store: SQLiteStore, worldID: Int64, model: String,
                                            dimensions: Int) async throws -> Int {
        var count = 0
        while true {
            let batch = try await store.piecesMissingVectors(worldID: worldID, model: model, limit: 256)
            if batch.isEmpty { break }
            for step in Dictionary(grouping: batch, by: \.stepID).values {
                try await store.storeVectors(step.map { ($0.id, StepBenchInputs.vector($0.text, dimensions: dimensions)) },
                                             model: model)
            }
            count += batch.count
        }
        return count
    }

    /// A consistent copy (`VACUUM INTO`): the store writes in the background (checkpoints,
    /// index merges), so its files cannot simply be copied while it is open.
    static func copy(_ store: SQLiteStore, to path: String) async throws {
        removeDatabase(path)
        try await store.backup(to: path)
    }

    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> String {
        String(format: "%.1f s", (ContinuousClock.now - start).milliseconds / 1000)
    }
}

public struct StepBenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
