import FableCore
import FableStoreKit
import Foundation
import GRDB

/// Dense long-term search: one vector per piece of a step (`StepPieces`) in `piece_vector`,
/// compared by cosine in Swift; a step counts by its best piece. A world's vectors are kept
/// in memory between searches (`SearchCache`, `PieceVectors`): a search reads only the rows
/// written since the last one, and this store's own writes update them.
extension SQLiteStore: VectorStore {
    public func storeVectors(_ vectors: [(pieceID: Int64, vector: [Float])], model: String) async throws {
        guard !vectors.isEmpty else { return }
        let stored = try UnitVectors.normalized(vectors)
        // Each step's world, and the world's vectors read into memory if they are not yet.
        let groups = try await pool.read { db in
            var groups: [(world: Int64, step: Int64, pieces: [(pieceID: Int64, vector: [Float])])] = []
            let world = try db.cachedStatement(sql: "SELECT world_id FROM step_piece WHERE id = ?")
            var loaded = Set<Int64>()
            for run in StepPieces.byStep(stored, pieceID: \.pieceID) {
                let first = run[run.startIndex]
                let step = StepPieces.stepID(ofPiece: first.pieceID)
                guard let worldID = try Int64.fetchOne(world, arguments: [first.pieceID]) else {
                    throw StoreError.noSuchStep(step)
                }
                if loaded.insert(worldID).inserted {
                    _ = try self.cache.vectors(worldID: worldID, model: model, dimensions: first.vector.count, db)
                }
                groups.append((worldID, step, Array(run)))
            }
            return groups
        }
        // Set in memory in place: each new piece's nearest cosines, and those of the pieces it
        // came near, are stored with the vectors.
        var nearest: [Int64: [Float]] = [:]
        for group in groups {
            nearest.merge(cache.setVectors(worldID: group.world, model: model, step: group.step, group.pieces)) { $1 }
        }
        let lists = nearest
        do {
            try await write { db in
                let insert = try db.cachedStatement(sql: """
                    INSERT INTO piece_vector(piece_id, model, dimensions, vector, neighbours) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(piece_id) DO UPDATE SET model = excluded.model, dimensions = excluded.dimensions,
                        vector = excluded.vector, neighbours = excluded.neighbours
                    """)
                let update = try db.cachedStatement(sql: "UPDATE piece_vector SET neighbours = ? WHERE piece_id = ? AND model = ?")
                let mine = Set(stored.map(\.pieceID))
                for (id, vector) in stored {
                    try insert.execute(arguments: [id, model, vector.count, VectorCoding.encodeBytes(vector),
                                                   lists[id].map(VectorCoding.encode)])
                }
                for (id, list) in lists where !mine.contains(id) {
                    try update.execute(arguments: [VectorCoding.encode(list), id, model])
                }
            }
        } catch {
            // Memory is ahead of the file: read the file again at the next search.
            for world in Set(groups.map(\.world)) { cache.forgetVectors(worldID: world) }
            throw error
        }
    }

    /// A piece's hubness, as dense search counts it now (nil: no neighbour yet, or not in memory).
    func hubness(pieceID: Int64, worldID: Int64, model: String, dimensions: Int) async throws -> Float? {
        try await pool.read { db in
            try self.cache.vectors(worldID: worldID, model: model, dimensions: dimensions, db).hub(of: pieceID)
        }
    }

    public func denseSearchBranch(endingAt stepID: Int64, vector: [Float], model: String, limit: Int) async throws
        -> [RetrievedPassage] {
        try await denseSearchBranch(endingAt: stepID, vectors: [vector], model: model, limit: limit).first ?? []
    }

    public func denseSearchBranch(endingAt stepID: Int64, vectors queries: [[Float]], model: String, limit: Int) async throws
        -> [[RetrievedPassage]] {
        guard limit > 0, let (queries, dimensions) = UnitVectors.queries(queries) else { return queries.map { _ in [] } }
        return try await pool.read { db in
            guard let branch = try self.cache.branch(endingAt: stepID, db) else { return queries.map { _ in [] } }
            // The world's vectors, kept in memory between searches (only new rows are read);
            // only the branch's are scored.
            let vectors = try self.cache.vectors(worldID: branch.worldID, model: model, dimensions: dimensions, db)
            let lists = vectors.search(queries, limit: limit) { $0 <= stepID && branch.contains($0) }
            return try lists.map { hits in
                try Self.passages(db, hits.map { hit in
                    (id: StepPieces.stepID(ofPiece: hit.pieceID), score: -Double(hit.score),
                     piece: (id: hit.pieceID, ranking: RetrievedPiece.Ranking.dense, score: Double(hit.cosine)))
                })
            }
        }
    }

    public func piecesMissingVectors(worldID: Int64, model: String, limit: Int) async throws -> [StoredPiece] {
        guard limit > 0 else { return [] }
        // Only the steps above the newest one below which every story step had vectors when
        // last looked at: a step's backfill query reads the few newest steps, not the world.
        let complete = cache.vectorsComplete(worldID: worldID, model: model)
        return try readHere { db in
            let missing = try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT step.id FROM step
                WHERE step.world_id = ? AND step.id > ? AND step.kind = 'story'
                  AND NOT EXISTS (SELECT 1 FROM piece_vector
                                  WHERE piece_id \(StepPieces.idsOfStep("step.id")) AND model = ?)
                  AND EXISTS (SELECT 1 FROM step_piece WHERE step_piece.id \(StepPieces.idsOfStep("step.id")))
                ORDER BY step.id DESC LIMIT ?
                """), arguments: [worldID, complete, model, limit])
            if missing.count < limit {
                // Every step missing them above `complete` is in `missing`: below the oldest of
                // them (or up to the newest step, when none is missing) all have vectors.
                let covered: Int64? = if let oldest = missing.last { oldest - 1 } else {
                    try Int64.fetchOne(db, sql: "SELECT max(id) FROM step WHERE world_id = ?", arguments: [worldID])
                }
                if let covered, covered > complete {
                    self.cache.setVectorsComplete(covered, worldID: worldID, model: model)
                }
            }
            return try PieceRows.pieces(db, stepIDs: missing)
        }
    }
}

// Checks that tests, benchmarks and admin tools use.
extension SQLiteStore {
    /// The stored vector of a piece and the model that made it.
    public func vector(pieceID: Int64) async throws -> (model: String, vector: [Float])? {
        try readHere { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT model, dimensions, vector FROM piece_vector WHERE piece_id = ?",
                                             arguments: [pieceID]) else { return nil }
            let data: Data = row["vector"]
            let dimensions: Int = row["dimensions"]
            guard let vector = VectorCoding.decodeBytes(data), vector.count == dimensions else {
                throw VectorError.unusable("the stored vector of piece \(pieceID) is damaged")
            }
            return (row["model"], vector)
        }
    }

    /// The pieces of a step as long-term search indexes them, in order.
    public func pieces(stepID: Int64) async throws -> [StoredPiece] {
        try readHere { db in try PieceRows.pieces(db, stepIDs: [stepID]) }
    }

    /// How many pieces a world's story steps have.
    public func pieceCount(worldID: Int64) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM step_piece WHERE world_id = ?", arguments: [worldID]) ?? 0
        }
    }

    /// The steps of a world whose pieces have no vectors from `model`, newest first.
    public func stepsMissingVectors(worldID: Int64, model: String, limit: Int) async throws -> [Step] {
        var steps: [Step] = []
        for piece in try await piecesMissingVectors(worldID: worldID, model: model, limit: limit)
        where steps.last?.id != piece.stepID {
            if let step = try await step(id: piece.stepID) { steps.append(step) }
        }
        return steps
    }

    /// How many pieces of a world have a vector from `model`.
    public func vectorCount(worldID: Int64, model: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM piece_vector JOIN step_piece ON step_piece.id = piece_vector.piece_id
                WHERE step_piece.world_id = ? AND piece_vector.model = ?
                """, arguments: [worldID, model]) ?? 0
        }
    }
}
