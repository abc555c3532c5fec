import FableCore
import FableStoreKit
import Foundation
import PostgresNIO

/// Whole-world export and import (`WorldArchive`), and what copying a store needs.
extension PostgresStore: WorldTransferStore {
    /// The world and every step of its tree from one snapshot (a repeatable-read transaction),
    /// even while front ends write.
    public func exportWorld(id: Int64) async throws -> WorldArchive {
        try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            guard let world = try await connection.rows("SELECT \(unescaped: Rows.worldColumns) FROM world WHERE id = \(id)",
                                                        logger: logger, Rows.world).first else {
                throw StoreError.noSuchWorld(id)
            }
            let owner = try await world.ownerID.asyncMap { ownerID in
                try await connection.rows("SELECT name FROM account WHERE id = \(ownerID)", logger: logger) {
                    try $0[0].decode(String.self)
                }.first
            } ?? nil
            // Ids grow with every insert, so ordering by id puts parents before children.
            let steps = try await connection.rows("""
                SELECT \(unescaped: Rows.stepColumns) FROM step WHERE world_id = \(id) ORDER BY id
                """, logger: logger, Rows.step)
            var traceOf: [Int64: StepTrace] = [:]
            for (stepID, trace) in try await connection.rows("""
                SELECT step_trace.step_id, parameters, messages, reply, calls FROM step_trace
                JOIN step ON step.id = step_trace.step_id WHERE step.world_id = \(id)
                """, logger: logger, { (try $0["step_id"].decode(Int64.self), try Rows.trace($0)) }) {
                traceOf[stepID] = trace
            }
            return try WorldArchive(world: world, owner: owner, steps: steps, traces: traceOf)
        }
    }

    /// A new world from an archive, in one transaction: the world, its steps (parents first,
    /// with their pieces, as a commit writes them), their traces, the head and the redo stack.
    /// A bad archive throws its `WorldArchiveError` and nothing is written.
    public func importWorld(_ archive: WorldArchive, ownerID: Int64?, label: String) async throws -> World {
        let order = try archive.validate()
        let premise = try JSONText.encode(archive.premise)
        let world = try await transaction { connection in
            if let ownerID, try await connection.rows("SELECT id FROM account WHERE id = \(ownerID)", logger: logger,
                                                      { try $0[0].decode(Int64.self) }).isEmpty {
                throw AccountError.noSuchAccount("#\(ownerID)")
            }
            guard let worldID = try await connection.rows("""
                INSERT INTO world(label, story_id, premise, owner_id, created_at)
                VALUES (\(label), \(archive.premise.storyID), \(premise), \(ownerID), \(Self.storable(archive.createdAt)))
                RETURNING id
                """, logger: logger, { try $0[0].decode(Int64.self) }).first else { throw StoreError.noSuchWorld(0) }
            var newID: [Int: Int64] = [:]
            var rootOf: [Int64: Int64] = [:]
            for step in order {
                let parentID = step.parent.flatMap { newID[$0] }
                let draft = StepDraft(worldID: worldID, parentID: parentID, depth: step.depth,
                                      instruction: step.instruction, content: step.content,
                                      telemetry: step.telemetry, kind: step.kind, trace: step.trace)
                let written = try await insertStep(connection, draft, rootID: parentID.flatMap { rootOf[$0] },
                                                   createdAt: Self.storable(step.createdAt))
                rootOf[written.id] = parentID.flatMap { rootOf[$0] } ?? written.id
                newID[step.id] = written.id
            }
            let head = archive.head.flatMap { newID[$0] }
            let redo = archive.redoStack.compactMap { newID[$0] }
            guard let world = try await connection.rows("""
                UPDATE world SET head_step_id = \(head), redo_stack = \(redo) WHERE id = \(worldID)
                RETURNING \(unescaped: Rows.worldColumns)
                """, logger: logger, Rows.world).first else { throw StoreError.noSuchWorld(worldID) }
            return world
        }
        // A large import changes the tables' statistics at once (autovacuum would see it only
        // later): without them the planner walks a branch by scanning every step at each level.
        if order.count >= Self.importAnalyzedFrom {
            try await client.query("ANALYZE step, step_piece, world", logger: logger)
        }
        return world
    }

    /// Imports of at least this many steps refresh the planner's statistics.
    static let importAnalyzedFrom = 200

    public func copyAccount(_ account: Account) async throws -> Account {
        let settings = try JSONText.encode(account.settings)
        guard let copied = try await rows("""
            INSERT INTO account(name, password_hash, is_admin, settings, created_at)
            VALUES (\(account.name), \(account.passwordHash), \(account.isAdmin), \(settings), \(Self.storable(account.createdAt)))
            ON CONFLICT DO NOTHING
            RETURNING \(unescaped: Rows.accountColumns)
            """, Rows.account).first else { throw AccountError.nameTaken(account.name) }
        return copied
    }

    public func stepIDs(worldID: Int64) async throws -> [Int64] {
        try await rows("SELECT id FROM step WHERE world_id = \(worldID) ORDER BY id", { try $0[0].decode(Int64.self) })
    }

    public func storedVectors(worldID: Int64) async throws -> [StoredVector] {
        try await rows("""
            SELECT piece_id, model, vector, neighbours FROM piece_vector WHERE world_id = \(worldID) ORDER BY piece_id
            """) { row in
            let id = try row[0].decode(Int64.self)
            guard let vector = VectorCoding.decodeBytes(try row[2].decode(Data.self)) else {
                throw VectorError.unusable("the stored vector of piece \(id) is damaged")
            }
            return StoredVector(pieceID: id, model: try row[1].decode(String.self), vector: vector,
                                neighbours: try row[3].decode(Data?.self).flatMap(VectorCoding.decode))
        }
    }

    public func restoreVectors(_ vectors: [StoredVector], worldID: Int64) async throws {
        guard !vectors.isEmpty else { return }
        let ids = vectors.map(\.pieceID)
        let models = vectors.map(\.model)
        let dimensions = vectors.map(\.vector.count)
        let bytes = vectors.map { ByteBuffer(bytes: VectorCoding.encodeBytes($0.vector)) }
        // An absent list is an empty one here (postgres-nio's arrays hold no null), and NULL in the table.
        let neighbours = vectors.map { ByteBuffer(bytes: $0.neighbours.map(VectorCoding.encode) ?? Data()) }
        try await transaction { connection in
            let pieces = try await connection.rows("""
                SELECT count(*) FROM step_piece WHERE id = ANY(\(ids)::bigint[]) AND world_id = \(worldID)
                """, logger: logger, { try $0[0].decode(Int.self) }).first ?? 0
            guard pieces == Set(ids).count else { throw StoreError.noSuchWorld(worldID) }
            // One statement for all the rows: a copy of a long world is not a round trip a piece.
            try await connection.query("""
                INSERT INTO piece_vector(piece_id, world_id, model, dimensions, vector, neighbours)
                SELECT piece, \(worldID), model, dimensions, vector, NULLIF(neighbours, ''::bytea)
                FROM unnest(\(ids)::bigint[], \(models)::text[], \(dimensions)::integer[], \(bytes)::bytea[],
                            \(neighbours)::bytea[]) AS row(piece, model, dimensions, vector, neighbours)
                ON CONFLICT (piece_id) DO UPDATE SET model = excluded.model, dimensions = excluded.dimensions,
                    vector = excluded.vector, neighbours = excluded.neighbours
                """, logger: logger)
        }
        if vectors.count >= Self.importAnalyzedFrom {
            try await client.query("ANALYZE piece_vector", logger: logger)
        }
        vectorCache.forget(worldID: worldID)
    }
}

extension PostgresStore {
    /// PostgreSQL keeps whole microseconds and postgres-nio truncates: a copied date is bound
    /// half a microsecond above its nearest, so it is kept as that microsecond.
    static func storable(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000 + 0.000_000_5)
    }
}

extension Optional {
    /// `map` with an asynchronous transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
