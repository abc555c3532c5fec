import FableCore
import FableStoreKit
import Foundation
import PostgresNIO

// Checks that tests, benchmarks and admin tools use (the SQLite store has the same).
extension PostgresStore {
    public func stepCount(worldID: Int64) async throws -> Int {
        try await rows("SELECT count(*) FROM step WHERE world_id = \(worldID)", { try $0[0].decode(Int.self) }).first ?? 0
    }

    /// The pieces of a step as long-term search indexes them, in order.
    public func pieces(stepID: Int64) async throws -> [StoredPiece] {
        try await rows("SELECT id, text FROM step_piece WHERE step_id = \(stepID) ORDER BY id",
                       { StoredPiece(id: try $0[0].decode(Int64.self), text: try $0[1].decode(String.self)) })
    }

    public func pieceCount(worldID: Int64) async throws -> Int {
        try await rows("SELECT count(*) FROM step_piece WHERE world_id = \(worldID)", { try $0[0].decode(Int.self) }).first ?? 0
    }

    /// The stored vector of a piece and the model that made it.
    public func vector(pieceID: Int64) async throws -> (model: String, vector: [Float])? {
        guard let row = try await rows("SELECT model, dimensions, vector FROM piece_vector WHERE piece_id = \(pieceID)", {
            (try $0[0].decode(String.self), try $0[1].decode(Int.self), try $0[2].decode(Data.self))
        }).first else { return nil }
        guard let vector = VectorCoding.decodeBytes(row.2), vector.count == row.1 else {
            throw VectorError.unusable("the stored vector of piece \(pieceID) is damaged")
        }
        return (row.0, vector)
    }

    public func vectorCount(worldID: Int64, model: String) async throws -> Int {
        try await rows("SELECT count(*) FROM piece_vector WHERE world_id = \(worldID) AND model = \(model)",
                       { try $0[0].decode(Int.self) }).first ?? 0
    }

    /// Every world, oldest first (for copying a store).
    public func allWorlds() async throws -> [World] {
        try await rows("SELECT \(unescaped: Rows.worldColumns) FROM world ORDER BY id", Rows.world)
    }
}

extension PostgresStore {
    /// A piece's hubness, as dense search counts it now (nil: no neighbour yet).
    public func hubness(pieceID: Int64, worldID: Int64, model: String, dimensions: Int) async throws -> Float? {
        try await loadedVectors(worldID: worldID, model: model, dimensions: dimensions).hub(of: pieceID)
    }

    /// How many stored vectors have their nearest cosines kept beside them.
    public func keptNeighbourLists() async throws -> Int {
        try await rows("SELECT count(*) FROM piece_vector WHERE neighbours IS NOT NULL", { try $0[0].decode(Int.self) }).first ?? 0
    }
}

extension PostgresStore {
    /// A server setting as this store's connections see it (`SHOW`).
    public func setting(_ name: String) async throws -> String? {
        try await rows("SELECT current_setting(\(name))", { try $0[0].decode(String.self) }).first
    }
}

extension PostgresStore {
    /// The database's size on the server.
    public func databaseBytes() async throws -> Int {
        try await rows("SELECT pg_database_size(current_database())", { try $0[0].decode(Int.self) }).first ?? 0
    }
}

extension PostgresStore {
    /// Front ends recorded in the database, alive or not yet cleared away.
    public func frontEndCount() async throws -> Int {
        try await rows("SELECT count(*) FROM front_end", { try $0[0].decode(Int.self) }).first ?? 0
    }
}

extension PostgresStore {
    /// Ends every connection to this database that is listening for notifications (a test of
    /// how the front ends' listeners recover); returns how many.
    public func terminateListeners() async throws -> Int {
        try await rows("""
            SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity
            WHERE datname = current_database() AND query LIKE 'LISTEN%'
            """, { try $0[0].decode(Int.self) }).first ?? 0
    }
}
