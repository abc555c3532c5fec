import FableStoreKit
import Synchronization

/// Each world's piece vectors of one model in memory (`PieceVectors`, shared with the SQLite
/// store), so a dense search reads only the rows stored since the last one. Everything here
/// can be read again from the database.
final class VectorCache: Sendable {
    private let worlds = Mutex<[Int64: PieceVectors]>([:])

    /// The world's vectors if they are of `model` with `dimensions`.
    func vectors(worldID: Int64, model: String, dimensions: Int) -> PieceVectors? {
        worlds.withLock { worlds in
            guard let vectors = worlds[worldID], vectors.model == model, vectors.dimensions == dimensions else { return nil }
            return vectors
        }
    }

    /// Adds rows read from the database (pieces above `vectors.highestID`, of its model), unless
    /// the world's vectors were replaced meanwhile; returns what is kept.
    func merge(worldID: Int64, model: String, dimensions: Int, readAbove highest: Int64,
               _ groups: [(step: Int64, pieces: [(pieceID: Int64, vector: [Float])], nearest: [[Float]?])],
               newest: Int64) -> PieceVectors {
        worlds.withLock { worlds in
            var vectors = worlds[worldID].flatMap { $0.model == model && $0.dimensions == dimensions ? $0 : nil }
                ?? PieceVectors(model: model, dimensions: dimensions)
            guard vectors.highestID == highest else { return vectors }
            for group in groups { vectors.set(step: group.step, group.pieces, nearest: group.nearest) }
            vectors.highestID = max(vectors.highestID, newest)
            worlds[worldID] = vectors
            return vectors
        }
    }

    /// Sets a step's vectors in memory; returns the nearest cosines that changed (the step's
    /// own pieces' and those of the pieces they came near).
    func set(worldID: Int64, model: String, dimensions: Int, step: Int64,
             _ pieces: [(pieceID: Int64, vector: [Float])]) -> [Int64: [Float]] {
        worlds.withLock { worlds in
            var vectors = worlds[worldID].flatMap { $0.model == model && $0.dimensions == dimensions ? $0 : nil }
                ?? PieceVectors(model: model, dimensions: dimensions)
            worlds[worldID] = nil
            let changed = vectors.set(step: step, pieces)
            var lists: [Int64: [Float]] = [:]
            for id in changed + pieces.map(\.pieceID) {
                if let list = vectors.nearest(of: id) { lists[id] = list }
            }
            worlds[worldID] = vectors
            return lists
        }
    }

    func forget(worldID: Int64) {
        _ = worlds.withLock { $0.removeValue(forKey: worldID) }
    }
}
