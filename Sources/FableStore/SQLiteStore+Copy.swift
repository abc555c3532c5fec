import FableCore
import FableStoreKit
import Foundation
import GRDB

extension SQLiteStore: WorldTransferStore {
    public func allWorlds() async throws -> [World] {
        try await pool.read { db in try WorldRecord.order(Column("id")).fetchAll(db).map(\.world) }
    }

    public func allAccounts() async throws -> [Account] {
        try await pool.read { db in try AccountRecord.order(Column("id")).fetchAll(db).map(\.account) }
    }

    public func copyAccount(_ account: Account) async throws -> Account {
        try await write { db in
            if try AccountRecord.filter(Column("name") == account.name).fetchCount(db) > 0 {
                throw AccountError.nameTaken(account.name)
            }
            var record = AccountRecord(id: nil, name: account.name, passwordHash: account.passwordHash,
                                       isAdmin: account.isAdmin, settings: account.settings, lastWorldId: nil,
                                       createdAt: account.createdAt)
            try record.insert(db)
            return record.account
        }
    }

    public func stepIDs(worldID: Int64) async throws -> [Int64] {
        try await pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT id FROM step WHERE world_id = ? ORDER BY id", arguments: [worldID])
        }
    }

    public func storedVectors(worldID: Int64) async throws -> [StoredVector] {
        try await pool.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT piece_vector.piece_id, piece_vector.model, piece_vector.vector, piece_vector.neighbours
                FROM piece_vector JOIN step_piece ON step_piece.id = piece_vector.piece_id
                WHERE step_piece.world_id = ? ORDER BY piece_vector.piece_id
                """, arguments: [worldID])
            var vectors: [StoredVector] = []
            while let row = try rows.next() {
                let data: Data = row[2]
                let neighbours: Data? = row[3]
                guard let vector = VectorCoding.decodeBytes(data) else {
                    throw VectorError.unusable("the stored vector of piece \(row[0] as Int64) is damaged")
                }
                vectors.append(StoredVector(pieceID: row[0], model: row[1], vector: vector,
                                            neighbours: neighbours.flatMap(VectorCoding.decode)))
            }
            return vectors
        }
    }

    public func restoreVectors(_ vectors: [StoredVector], worldID: Int64) async throws {
        guard !vectors.isEmpty else { return }
        try await write { db in
            let world = try db.cachedStatement(sql: "SELECT world_id FROM step_piece WHERE id = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO piece_vector(piece_id, model, dimensions, vector, neighbours) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(piece_id) DO UPDATE SET model = excluded.model, dimensions = excluded.dimensions,
                    vector = excluded.vector, neighbours = excluded.neighbours
                """)
            for stored in vectors {
                guard try Int64.fetchOne(world, arguments: [stored.pieceID]) == worldID else {
                    throw StoreError.noSuchStep(StepPieces.stepID(ofPiece: stored.pieceID))
                }
                try insert.execute(arguments: [stored.pieceID, stored.model, stored.vector.count,
                                               VectorCoding.encodeBytes(stored.vector),
                                               stored.neighbours.map(VectorCoding.encode)])
            }
        }
        cache.forgetVectors(worldID: worldID)
    }
}
