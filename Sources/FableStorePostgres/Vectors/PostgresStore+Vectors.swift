import FableCore
import FableStoreKit
import Foundation
import PostgresNIO

/// Dense long-term search without pgvector (Debian 12 does not package it): each piece's vector
/// is stored as `bytea` (its scale and one signed byte a dimension, `VectorCoding`, as the
/// SQLite store stores it) and scored in Swift by `PieceVectors`, the SQLite store's own
/// in-memory index: cosine less half the piece's hubness, a step at its best piece.
extension PostgresStore: VectorStore {
    public func storeVectors(_ vectors: [(pieceID: Int64, vector: [Float])], model: String) async throws {
        guard !vectors.isEmpty else { return }
        let units = try UnitVectors.normalized(vectors)
        var worldOf: [Int64: Int64] = [:]
        for row in try await rows("""
            SELECT id, world_id FROM step_piece WHERE id = ANY(\(units.map(\.pieceID))::bigint[])
            """, { (try $0[0].decode(Int64.self), try $0[1].decode(Int64.self)) }) {
            worldOf[row.0] = row.1
        }
        var groups: [(world: Int64, step: Int64, pieces: [(pieceID: Int64, vector: [Float])])] = []
        for run in StepPieces.byStep(units, pieceID: { $0.pieceID }) {
            let first = run[run.startIndex]
            guard let world = worldOf[first.pieceID], run.allSatisfy({ worldOf[$0.pieceID] == world }) else {
                throw StoreError.noSuchStep(StepPieces.stepID(ofPiece: first.pieceID))
            }
            groups.append((world, StepPieces.stepID(ofPiece: first.pieceID), Array(run)))
        }
        var nearest: [Int64: [Float]] = [:]
        var loaded = Set<Int64>()
        for group in groups {
            vectorCache.storedVectors(worldID: group.world, model: model)
            if loaded.insert(group.world).inserted {
                _ = try await loadedVectors(worldID: group.world, model: model, dimensions: group.pieces[0].vector.count)
            }
            nearest.merge(vectorCache.set(worldID: group.world, model: model, dimensions: group.pieces[0].vector.count,
                                          step: group.step, group.pieces)) { $1 }
        }
        let lists = nearest
        do {
            try await transaction { connection in
                for group in groups {
                    for (id, vector) in group.pieces {
                        let bytes = VectorCoding.encodeBytes(vector)
                        let neighbours = lists[id].map(VectorCoding.encode)
                        try await connection.query("""
                            INSERT INTO piece_vector(piece_id, world_id, model, dimensions, vector, neighbours)
                            VALUES (\(id), \(group.world), \(model), \(vector.count), \(bytes), \(neighbours))
                            ON CONFLICT (piece_id) DO UPDATE SET model = excluded.model, dimensions = excluded.dimensions,
                                vector = excluded.vector, neighbours = excluded.neighbours
                            """, logger: logger)
                    }
                }
                let mine = Set(units.map(\.pieceID))
                for (id, list) in lists where !mine.contains(id) {
                    try await connection.query("""
                        UPDATE piece_vector SET neighbours = \(VectorCoding.encode(list)) WHERE piece_id = \(id) AND model = \(model)
                        """, logger: logger)
                }
                // Other front ends hold this world's vectors in memory, topped up only with pieces
                // above the highest they hold: a backfill of older steps, or changed neighbours,
                // would go unseen there. A notification is sent when the transaction commits.
                for world in Set(groups.map(\.world)) {
                    let payload = BusMessage(from: instanceID, vectorsOfWorld: world).payload()
                    try await connection.query("SELECT pg_notify(\(BusMessage.channel), \(payload))", logger: logger)
                }
            }
        } catch {
            // Memory is ahead of the database: read it again at the next search.
            for group in groups { vectorCache.forget(worldID: group.world) }
            throw error
        }
    }

    public func denseSearchBranch(endingAt stepID: Int64, vector: [Float], model: String, limit: Int) async throws
        -> [RetrievedPassage] {
        try await denseSearchBranch(endingAt: stepID, vectors: [vector], model: model, limit: limit).first ?? []
    }

    public func denseSearchBranch(endingAt stepID: Int64, vectors queries: [[Float]], model: String, limit: Int) async throws
        -> [[RetrievedPassage]] {
        guard limit > 0, let (unitQueries, dimensions) = UnitVectors.queries(queries) else { return queries.map { _ in [] } }
        guard let found = try await branch(endingAt: stepID) else { return queries.map { _ in [] } }
        let branch = Set(found.steps)
        let vectors = try await loadedVectors(worldID: found.worldID, model: model, dimensions: dimensions)
        let lists = vectors.search(unitQueries, limit: limit) { $0 <= stepID && branch.contains($0) }
        var result: [[RetrievedPassage]] = []
        for hits in lists {
            result.append(try await passages(hits.map { hit in
                (StepPieces.stepID(ofPiece: hit.pieceID), hit.pieceID, -Double(hit.score), .dense, Double(hit.cosine))
            }))
        }
        return result
    }

    public func piecesMissingVectors(worldID: Int64, model: String, limit: Int) async throws -> [StoredPiece] {
        guard limit > 0 else { return [] }
        // Only the steps above the newest one below which every story step had vectors when
        // last looked at: a step's backfill query reads the few newest steps, not the world.
        let complete = vectorCache.vectorsComplete(worldID: worldID, model: model)
        let missing = try await rows("""
            SELECT step.id FROM step
            WHERE step.world_id = \(worldID) AND step.id > \(complete) AND step.kind = 'story'
              AND EXISTS (SELECT 1 FROM step_piece WHERE step_piece.step_id = step.id)
              AND NOT EXISTS (SELECT 1 FROM piece_vector
                              WHERE piece_id BETWEEN step.id * 64 AND step.id * 64 + 63 AND model = \(model))
            ORDER BY step.id DESC LIMIT \(limit)
            """, { try $0[0].decode(Int64.self) })
        if missing.count < limit {
            // Every step missing them above `complete` is in `missing`: below the oldest of them
            // (or up to the newest step, when none is missing) all have vectors.
            let covered: Int64? = if let oldest = missing.last { oldest - 1 } else {
                try await rows("SELECT max(id) FROM step WHERE world_id = \(worldID)", { try $0[0].decode(Int64?.self) })
                    .first ?? nil
            }
            if let covered, covered > complete { vectorCache.setVectorsComplete(covered, worldID: worldID, model: model) }
        }
        guard !missing.isEmpty else { return [] }
        let pieces = try await rows("""
            SELECT id, text FROM step_piece WHERE step_id = ANY(\(missing)::bigint[]) ORDER BY id
            """, { StoredPiece(id: try $0[0].decode(Int64.self), text: try $0[1].decode(String.self)) })
        let order = Dictionary(uniqueKeysWithValues: missing.enumerated().map { ($1, $0) })
        return pieces.sorted { (order[$0.stepID] ?? 0, $0.id) < (order[$1.stepID] ?? 0, $1.id) }
    }

    /// The world's vectors of `model`, brought up to date: only rows above the highest piece
    /// already in memory are read. Should the world's vectors change meanwhile (evicted, or
    /// replaced by another model's), they are read whole once more.
    func loadedVectors(worldID: Int64, model: String, dimensions: Int) async throws -> PieceVectors {
        var known = vectorCache.vectors(worldID: worldID, model: model, dimensions: dimensions)
        for attempt in 0..<2 {
            if attempt == 1 { vectorCache.forget(worldID: worldID) }
            let highest = attempt == 0 ? known?.highestID ?? 0 : 0
            var groups: [(step: Int64, pieces: [(pieceID: Int64, vector: [Float])], nearest: [[Float]?])] = []
            var newest = highest
            for try await (id, data, neighbours) in try await client.query("""
                SELECT piece_id, vector, neighbours FROM piece_vector
                WHERE world_id = \(worldID) AND model = \(model) AND dimensions = \(dimensions) AND piece_id > \(highest)
                ORDER BY piece_id
                """, logger: logger).decode((Int64, Data, Data?).self) {
                newest = id
                guard let vector = VectorCoding.decodeBytes(data), vector.count == dimensions else { continue }
                let step = StepPieces.stepID(ofPiece: id)
                let nearest = neighbours.flatMap(VectorCoding.decode)
                if groups.last?.step == step {
                    groups[groups.count - 1].pieces.append((id, vector))
                    groups[groups.count - 1].nearest.append(nearest)
                } else {
                    groups.append((step, [(id, vector)], [nearest]))
                }
            }
            if attempt == 0, let current = known, groups.isEmpty { return current }
            // The cache's vectors are changed in place: a reference held here would copy them all.
            known = nil
            let merged = vectorCache.merge(worldID: worldID, model: model, dimensions: dimensions, readAbove: highest, groups,
                                           newest: newest)
            if merged.highestID >= newest { return merged }
            known = nil
        }
        return PieceVectors(model: model, dimensions: dimensions)
    }
}
