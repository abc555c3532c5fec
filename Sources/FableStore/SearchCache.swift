import FableCore
import Foundation
import FableStoreKit
import GRDB
import Synchronization

/// What the store remembers between searches, per world, so that a step's search does not
/// walk or scan the whole world again: the tree of steps (id → parent), the branch of the
/// last search (its ancestors, root first), how many of the world's pieces hold each
/// search term, and, per embedding model, the newest step below which every story step's
/// pieces had vectors, and the vectors themselves.
///
/// Everything here can be rebuilt from the file. Steps are never updated and never change
/// parent, and ids grow with every commit (one writer, AUTOINCREMENT), so the tree is
/// brought up to date by reading only the rows above the highest id it holds. The cache
/// holds at most `capacity` steps over all worlds; the least recently searched worlds go first.
final class SearchCache: Sendable {
    /// The branch ending at a step: every step from the opening down to it.
    struct Branch: Sendable {
        var worldID: Int64
        var stepID: Int64
        /// id → depth index (0 = the opening).
        var members: [Int64: Int]
        /// Root first.
        var chain: [Int64]
        /// Steps the world had when the branch was taken (all kinds).
        var worldSize: Int
        /// The world's steps with an id in `chain.first...stepID` (all kinds).
        var stepsInRange: Int
        /// Their pieces: what a term count of the branch is out of.
        var piecesInRange: Int

        func contains(_ id: Int64) -> Bool { members[id] != nil }
    }

    private struct World {
        /// Step → parent (0: an opening).
        var parent: [Int64: Int64] = [:]
        /// The world's step ids, ascending (ids grow with every commit).
        var ids: [Int64] = []
        /// Pieces of the steps before `ids[i]`: `piecesBefore[i]` (one more entry than `ids`).
        var piecesBefore: [Int] = [0]
        var highestID: Int64 = 0
        /// The last branch computed, root first, and where each of its steps is in it.
        var chain: [Int64] = []
        var position: [Int64: Int] = [:]
        /// Term → pieces of the world holding it (capped) among the steps it was counted over.
        var frequency: [String: TermCount] = [:]
        /// Model → every story step with an id up to this one has a vector of that model.
        var vectorsComplete: [String: Int64] = [:]
        /// The world's piece vectors of one model, in memory.
        var vectors: PieceVectors?
        var lastUse: UInt64 = 0

        /// A step costs one, a kilobyte of vectors one more.
        var cost: Int { parent.count + (vectors?.bytes ?? 0) / 1024 }

        /// How many of the world's steps have an id in `lower + 1 ... upper` (0 when empty).
        func steps(after lower: Int64, upTo upper: Int64) -> Int {
            guard upper > lower else { return 0 }
            return Self.index(above: upper, in: ids) - Self.index(above: lower, in: ids)
        }

        /// How many pieces the world's steps with an id in `lower + 1 ... upper` have.
        func pieces(after lower: Int64, upTo upper: Int64) -> Int {
            guard upper > lower else { return 0 }
            return piecesBefore[Self.index(above: upper, in: ids)] - piecesBefore[Self.index(above: lower, in: ids)]
        }

        /// The first index of `ids` whose id is above `id`.
        private static func index(above id: Int64, in ids: [Int64]) -> Int {
            var low = 0
            var high = ids.count
            while low < high {
                let middle = (low + high) / 2
                if ids[middle] <= id { low = middle + 1 } else { high = middle }
            }
            return low
        }
    }

    private struct State {
        var worlds: [Int64: World] = [:]
        var steps = 0
        var tick: UInt64 = 0
    }

    private let state = Mutex(State())
    let capacity: Int
    /// Term counts read from the index (each a query), for tests of the cache.
    let frequenciesMeasured = Atomic<Int>(0)

    init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    /// The branch ending at `stepID`, read in `db`'s snapshot; nil if there is no such step.
    func branch(endingAt stepID: Int64, _ db: Database) throws -> Branch? {
        let world = try db.cachedStatement(sql: "SELECT world_id FROM step WHERE id = ?")
        guard let worldID = try Int64.fetchOne(world, arguments: [stepID]) else {
            return nil
        }
        for attempt in 0..<2 {
            let known = attempt == 0 ? state.withLock { $0.worlds[worldID]?.highestID ?? 0 } : 0
            var rows: [(id: Int64, parent: Int64, pieces: Int)] = []
            let newer = try db.cachedStatement(sql: """
                SELECT id, parent_id, (SELECT count(*) FROM step_piece WHERE step_piece.id \(StepPieces.idsOfStep("step.id")))
                FROM step WHERE world_id = ? AND id > ? ORDER BY id
                """)
            let cursor = try Row.fetchCursor(newer, arguments: [worldID, known])
            while let row = try cursor.next() {
                rows.append((row[0], row[1] ?? 0, row[2]))
            }
            let branch: Branch?? = state.withLock { state in
                state.tick &+= 1
                var world = state.worlds.removeValue(forKey: worldID) ?? World()
                // Evicted (or emptied) since `known` was read: these rows alone are not the world.
                guard world.highestID >= known else { return .some(nil) }
                let before = world.parent.count
                for row in rows {
                    if row.id > (world.ids.last ?? 0) {
                        world.ids.append(row.id)
                        world.piecesBefore.append(world.piecesBefore[world.piecesBefore.count - 1] + row.pieces)
                    }
                    world.parent[row.id] = row.parent
                }
                world.highestID = max(world.highestID, rows.last?.id ?? 0)
                world.lastUse = state.tick
                state.steps += world.parent.count - before
                let branch = Self.extend(&world, to: stepID, worldID: worldID)
                state.worlds[worldID] = world
                Self.evict(&state, capacity: capacity, keeping: worldID)
                return .some(branch)
            }
            if case .some(let found) = branch, let found { return found }
            if attempt == 1 { return nil }
        }
        return nil
    }

    /// Moves the world's remembered branch to the one ending at `stepID`: walks up from it
    /// to the first step already on the remembered branch (for the next step of a story,
    /// one step), cuts the branch there and adds the walked steps.
    private static func extend(_ world: inout World, to stepID: Int64, worldID: Int64) -> Branch? {
        var walked: [Int64] = []
        var node = stepID
        var join = -1
        while node != 0 {
            if let index = world.position[node] {
                join = index
                break
            }
            guard let parent = world.parent[node] else { return nil }
            walked.append(node)
            node = parent
        }
        while world.chain.count > join + 1 {
            world.position[world.chain.removeLast()] = nil
        }
        for id in walked.reversed() {
            world.position[id] = world.chain.count
            world.chain.append(id)
        }
        let first = world.chain.first ?? stepID
        return Branch(worldID: worldID, stepID: stepID, members: world.position, chain: world.chain,
                      worldSize: world.parent.count, stepsInRange: world.steps(after: first - 1, upTo: stepID),
                      piecesInRange: world.pieces(after: first - 1, upTo: stepID))
    }

    /// Drops the least recently searched worlds while the cache holds more than `capacity`
    /// steps (a kilobyte of vectors counts as a step).
    private static func evict(_ state: inout State, capacity: Int, keeping worldID: Int64) {
        var total = state.worlds.values.reduce(0) { $0 + $1.cost }
        while total > capacity, state.worlds.count > 1 {
            guard let oldest = state.worlds.filter({ $0.key != worldID }).min(by: { $0.value.lastUse < $1.value.lastUse })
            else { return }
            total -= oldest.value.cost
            state.worlds[oldest.key] = nil
        }
    }

    // MARK: - Vectors

    /// The world's piece vectors of `model` with `dimensions`, brought up to date with `db`:
    /// only the rows above the highest piece read before are read.
    func vectors(worldID: Int64, model: String, dimensions: Int, _ db: Database) throws -> PieceVectors {
        for attempt in 0..<2 {
            let known: PieceVectors? = attempt == 1 ? nil : state.withLock { state in
                guard let vectors = state.worlds[worldID]?.vectors, vectors.model == model,
                      vectors.dimensions == dimensions else { return nil }
                return vectors
            }
            let highest = known?.highestID ?? 0
            var fresh: [(step: Int64, pieces: [(pieceID: Int64, vector: [Float])], nearest: [[Float]?])] = []
            var newest = highest
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT piece_vector.piece_id, piece_vector.vector, piece_vector.neighbours FROM step
                JOIN piece_vector ON piece_vector.piece_id \(StepPieces.idsOfStep("step.id"))
                WHERE step.world_id = ? AND step.id >= ? AND piece_vector.piece_id > ? AND piece_vector.model = ?
                      AND piece_vector.dimensions = ?
                ORDER BY piece_vector.piece_id
                """), arguments: [worldID, StepPieces.stepID(ofPiece: highest), highest, model, dimensions])
            while let row = try rows.next() {
                let id: Int64 = row[0]
                newest = id
                let vector = try row.withUnsafeData(atIndex: 1) { data in data.flatMap(VectorCoding.decodeBytes) }
                guard let vector, vector.count == dimensions else { continue }
                let step = StepPieces.stepID(ofPiece: id)
                let nearest = try row.withUnsafeData(atIndex: 2) { data in data.flatMap(VectorCoding.decode) }
                if fresh.last?.step == step {
                    fresh[fresh.count - 1].pieces.append((id, vector))
                    fresh[fresh.count - 1].nearest.append(nearest)
                } else {
                    fresh.append((step, [(id, vector)], [nearest]))
                }
            }
            if let known, fresh.isEmpty { return known }
            let merged: PieceVectors? = state.withLock { state in
                state.tick &+= 1
                var world = state.worlds.removeValue(forKey: worldID) ?? World()
                defer { state.worlds[worldID] = world }
                var vectors = world.vectors.flatMap { $0.model == model && $0.dimensions == dimensions ? $0 : nil }
                // Evicted or replaced by another model's since `highest` was read: the rows
                // just read are not all of them.
                guard highest == 0 || vectors != nil else { return nil }
                world.vectors = nil
                if vectors == nil { vectors = PieceVectors(model: model, dimensions: dimensions) }
                for group in fresh { vectors!.set(step: group.step, group.pieces, nearest: group.nearest) }
                vectors!.highestID = max(vectors!.highestID, newest)
                world.vectors = vectors
                world.lastUse = state.tick
                return vectors
            }
            if let merged {
                state.withLock { Self.evict(&$0, capacity: capacity, keeping: worldID) }
                return merged
            }
        }
        return PieceVectors(model: model, dimensions: dimensions)
    }

    // MARK: - Term frequencies

    /// A term's count, as measured over the world's steps `first...measuredUpTo` (by id).
    struct TermCount: Sendable {
        var count: Int
        var first: Int64
        var measuredUpTo: Int64
    }

    /// What is known of the world's passages holding `term` among the steps `first...last`:
    /// a count measured earlier over a range starting at or below `first` and ending at most
    /// `slack` of the world's own steps from `last`. The caller brings a count that ends
    /// below `last` up to date (`SQLiteStore.termCounts`), and takes one that ends above it
    /// (a search from an older step) as it is. nil: count it again. The slack is counted in
    /// the world's own steps: counted in ids, other worlds' commits in between (many readers
    /// playing) would use it up at every step, and every term would be counted again.
    func termCount(of term: String, worldID: Int64, first: Int64, last: Int64) -> TermCount? {
        state.withLock { state in
            guard let world = state.worlds[worldID], let known = world.frequency[term], known.first <= first else {
                return nil
            }
            let slack = max(32, world.steps(after: known.first - 1, upTo: known.measuredUpTo) / 8)
            let ahead = world.steps(after: known.measuredUpTo, upTo: last)
            let behind = world.steps(after: last, upTo: known.measuredUpTo)
            guard ahead <= slack, behind <= slack else { return nil }
            return known
        }
    }

    /// Remembers a count; `measured` says whether it was read whole from the index (a test
    /// counts those) or brought up to date.
    func setTermCount(_ count: TermCount, of term: String, worldID: Int64, measured: Bool) {
        if measured { frequenciesMeasured.add(1, ordering: .relaxed) }
        state.withLock { state in
            guard state.worlds[worldID] != nil else { return }
            if state.worlds[worldID]!.frequency.count > 4096 { state.worlds[worldID]!.frequency = [:] }
            state.worlds[worldID]!.frequency[term] = count
        }
    }

    // MARK: - Vector coverage

    /// Every story step of the world up to this id had a vector of `model` when last checked.
    func vectorsComplete(worldID: Int64, model: String) -> Int64 {
        state.withLock { $0.worlds[worldID]?.vectorsComplete[model] ?? 0 }
    }

    func setVectorsComplete(_ id: Int64, worldID: Int64, model: String) {
        state.withLock { state in
            guard state.worlds[worldID] != nil else {
                // Remembered without the tree: an empty entry holding only this.
                var world = World()
                world.vectorsComplete[model] = id
                state.worlds[worldID] = world
                return
            }
            state.worlds[worldID]!.vectorsComplete[model] = id
        }
    }

    /// Sets a step's piece vectors (of `model`) in the world's vectors in memory, in place;
    /// returns the nearest cosines to store for the new pieces and for the pieces they came
    /// near (none when the world's vectors of that model are not in memory: they are worked out
    /// when read). Another model's coverage may be gone.
    func setVectors(worldID: Int64, model: String, step: Int64, _ pieces: [(pieceID: Int64, vector: [Float])])
        -> [Int64: [Float]] {
        state.withLock { state in
            for id in state.worlds.keys where state.worlds[id]!.vectorsComplete.keys.contains(where: { $0 != model }) {
                state.worlds[id]!.vectorsComplete = state.worlds[id]!.vectorsComplete.filter { $0.key == model }
            }
            guard var vectors = state.worlds[worldID]?.vectors else { return [:] }
            guard vectors.model == model, pieces.allSatisfy({ $0.vector.count == vectors.dimensions }) else {
                vectors.remove(step: step)
                state.worlds[worldID]!.vectors = vectors
                return [:]
            }
            // Out of the dictionary while it changes, so its arrays are not copied.
            state.worlds[worldID]!.vectors = nil
            let changed = vectors.set(step: step, pieces)
            vectors.highestID = max(vectors.highestID, pieces.map(\.pieceID).max() ?? 0)
            var lists: [Int64: [Float]] = [:]
            for id in pieces.map(\.pieceID) + changed { lists[id] = vectors.nearest(of: id) }
            state.worlds[worldID]!.vectors = vectors
            return lists
        }
    }

    /// Drops a world's vectors from memory: the next search reads them from the file.
    func forgetVectors(worldID: Int64) {
        state.withLock { state in state.worlds[worldID]?.vectors = nil }
    }
}
