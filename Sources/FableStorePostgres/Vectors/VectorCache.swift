import FableStoreKit
import Synchronization

/// Each world's piece vectors of one model in memory (`PieceVectors`, shared with the SQLite
/// store), so a dense search reads only the rows stored since the last one. Everything here
/// can be read again from the database; the least recently used worlds go first once the
/// vectors held pass `capacity` bytes.
final class VectorCache: Sendable {
    private struct State {
        var worlds: [Int64: (vectors: PieceVectors, lastUse: UInt64)] = [:]
        var tick: UInt64 = 0
    }

    private let state = Mutex(State())
    /// Per world and model, the newest step below which every story step had vectors when last
    /// looked at. Steps of a world get ids in commit order, so it stays true as steps arrive.
    private let complete = Mutex<[Int64: [String: Int64]]>([:])
    let capacity: Int

    /// About a gigabyte: 2,000 worlds of 1,000 steps (~500 KB each), or a hundred of 10,000.
    init(capacity: Int = 1 << 30) {
        self.capacity = capacity
    }

    /// The world's vectors if they are of `model` with `dimensions`.
    func vectors(worldID: Int64, model: String, dimensions: Int) -> PieceVectors? {
        state.withLock { state in
            guard let entry = state.worlds[worldID], entry.vectors.model == model,
                  entry.vectors.dimensions == dimensions else { return nil }
            state.tick &+= 1
            state.worlds[worldID]?.lastUse = state.tick
            return entry.vectors
        }
    }

    /// Adds rows read from the database (pieces above `highest`, of its model), unless the
    /// world's vectors changed meanwhile; returns what is kept.
    func merge(worldID: Int64, model: String, dimensions: Int, readAbove highest: Int64,
               _ groups: [(step: Int64, pieces: [(pieceID: Int64, vector: [Float])], nearest: [[Float]?])],
               newest: Int64) -> PieceVectors {
        update(worldID: worldID, model: model, dimensions: dimensions) { vectors in
            guard vectors.highestID == highest else { return }
            for group in groups { vectors.set(step: group.step, group.pieces, nearest: group.nearest) }
            vectors.highestID = max(vectors.highestID, newest)
        }.vectors
    }

    /// Sets a step's vectors in memory, once the world's rows have been read up to date;
    /// returns the nearest cosines that changed (the step's own pieces' and those of the pieces
    /// they came near).
    func set(worldID: Int64, model: String, dimensions: Int, step: Int64,
             _ pieces: [(pieceID: Int64, vector: [Float])]) -> [Int64: [Float]] {
        update(worldID: worldID, model: model, dimensions: dimensions) { vectors in
            var lists: [Int64: [Float]] = [:]
            for id in vectors.set(step: step, pieces) + pieces.map(\.pieceID) {
                if let list = vectors.nearest(of: id) { lists[id] = list }
            }
            // The world's rows were read up to date just before (`loadedVectors`), so memory
            // holds every row up to these: the next search need not read them back.
            vectors.highestID = max(vectors.highestID, pieces.map(\.pieceID).max() ?? 0)
            return lists
        }.result
    }

    /// The step up to which every story step of the world has vectors of `model` (0: unknown).
    func vectorsComplete(worldID: Int64, model: String) -> Int64 {
        complete.withLock { $0[worldID]?[model] ?? 0 }
    }

    func setVectorsComplete(_ stepID: Int64, worldID: Int64, model: String) {
        complete.withLock { $0[worldID, default: [:]][model] = max($0[worldID]?[model] ?? 0, stepID) }
    }

    /// Vectors of `model` were stored for the world: a piece's vector of another model may have
    /// been replaced, so that model's coverage is no longer known.
    func storedVectors(worldID: Int64, model: String) {
        complete.withLock { $0[worldID] = $0[worldID]?.filter { $0.key == model } }
    }

    func forget(worldID: Int64) {
        _ = state.withLock { $0.worlds.removeValue(forKey: worldID) }
        _ = complete.withLock { $0.removeValue(forKey: worldID) }
    }

    /// Forgets every world (notifications may have been missed while reconnecting).
    func forgetAll() {
        state.withLock { $0.worlds.removeAll() }
        complete.withLock { $0.removeAll() }
    }

    /// Whether a world's vectors are in memory.
    func holds(worldID: Int64) -> Bool {
        state.withLock { $0.worlds[worldID] != nil }
    }

    /// Changes a world's vectors in place (new ones for another model or dimension), then
    /// evicts other worlds while over capacity.
    private func update<T>(worldID: Int64, model: String, dimensions: Int,
                           _ change: (inout PieceVectors) -> T) -> (vectors: PieceVectors, result: T) {
        state.withLock { state in
            state.tick &+= 1
            var vectors = (state.worlds.removeValue(forKey: worldID)?.vectors)
                .flatMap { $0.model == model && $0.dimensions == dimensions ? $0 : nil }
                ?? PieceVectors(model: model, dimensions: dimensions)
            let result = change(&vectors)
            state.worlds[worldID] = (vectors, state.tick)
            var total = state.worlds.values.reduce(0) { $0 + $1.vectors.bytes }
            while total > capacity, state.worlds.count > 1,
                  let oldest = state.worlds.filter({ $0.key != worldID }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
                total -= oldest.value.vectors.bytes
                state.worlds[oldest.key] = nil
            }
            return (vectors, result)
        }
    }
}
