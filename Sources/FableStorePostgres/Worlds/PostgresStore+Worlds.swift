import FableCore
import Foundation
import PostgresNIO

/// Worlds and the step tree: reads, and the head's moves (each a transaction that locks the
/// world's row, so a commit or another move on another front end waits for it).
extension PostgresStore {
    public func createWorld(label: String, premise: Premise, ownerID: Int64?) async throws -> World {
        let premiseText = try JSONText.encode(premise)
        let query: PostgresQuery = """
            INSERT INTO world(label, story_id, premise, owner_id, created_at)
            VALUES (\(label), \(premise.storyID), \(premiseText), \(ownerID), \(Date()))
            RETURNING \(unescaped: Rows.worldColumns)
            """
        return try await transaction { connection in
            guard let world = try await connection.rows(query, logger: logger, Rows.world).first else {
                throw StoreError.noSuchWorld(0)
            }
            return world
        }
    }

    public func worlds(ownerID: Int64) async throws -> [World] {
        try await rows("SELECT \(unescaped: Rows.worldColumns) FROM world WHERE owner_id = \(ownerID) ORDER BY id", Rows.world)
    }

    public func world(id: Int64) async throws -> World? {
        try await rows("SELECT \(unescaped: Rows.worldColumns) FROM world WHERE id = \(id)", Rows.world).first
    }

    public func world(label: String) async throws -> World? {
        try await rows("""
            SELECT \(unescaped: Rows.worldColumns) FROM world WHERE label = \(label) ORDER BY id DESC LIMIT 1
            """, Rows.world).first
    }

    public func latestWorld(storyID: String) async throws -> World? {
        try await rows("""
            SELECT \(unescaped: Rows.worldColumns) FROM world WHERE story_id = \(storyID) ORDER BY id DESC LIMIT 1
            """, Rows.world).first
    }

    public func step(id: Int64) async throws -> Step? {
        try await rows("SELECT \(unescaped: Rows.stepColumns) FROM step WHERE id = \(id)", Rows.step).first
    }

    public func opening(of stepID: Int64) async throws -> Step {
        guard let opening = try await rows("""
            SELECT \(unescaped: Rows.stepColumns(of: "root")) FROM step JOIN step AS root ON root.id = step.root_id
            WHERE step.id = \(stepID)
            """, Rows.step).first else { throw StoreError.noSuchStep(stepID) }
        return opening
    }

    public func path(to stepID: Int64) async throws -> [Step] {
        try await rows("""
            WITH RECURSIVE chain(id) AS (
                SELECT \(stepID)::bigint UNION ALL
                SELECT step.parent_id FROM step JOIN chain ON step.id = chain.id WHERE step.parent_id IS NOT NULL)
            SELECT \(unescaped: Rows.stepColumns(of: "step")) FROM step JOIN chain ON step.id = chain.id
            ORDER BY step.depth, step.id
            """, Rows.step)
    }

    public func branchEnds(worldID: Int64) async throws -> [Step] {
        try await rows("""
            SELECT \(unescaped: Rows.stepColumns) FROM step WHERE world_id = \(worldID)
            AND NOT EXISTS (SELECT 1 FROM step AS child WHERE child.parent_id = step.id)
            ORDER BY id
            """, Rows.step)
    }

    public func trace(stepID: Int64) async throws -> StepTrace? {
        try await rows("SELECT parameters, messages, reply, calls FROM step_trace WHERE step_id = \(stepID)", Rows.trace).first
    }

    public func undo(worldID: Int64) async throws -> World {
        try await moveHead(worldID: worldID) { connection, world in
            guard let headID = world.headStepID,
                  let parent = try await connection.rows("SELECT parent_id FROM step WHERE id = \(headID)", logger: logger,
                                                         { try $0[0].decode(Int64?.self) }).first,
                  let parentID = parent else { throw StoreError.nothingToUndo }
            return (parentID, world.redoStack + [headID])
        }
    }

    public func redo(worldID: Int64) async throws -> World {
        try await moveHead(worldID: worldID) { _, world in
            guard let next = world.redoStack.last else { throw StoreError.nothingToRedo }
            return (next, Array(world.redoStack.dropLast()))
        }
    }

    public func moveHead(worldID: Int64, to stepID: Int64) async throws -> World {
        try await moveHead(worldID: worldID) { connection, world in
            let owner = try await connection.rows("SELECT world_id FROM step WHERE id = \(stepID)", logger: logger) {
                try $0[0].decode(Int64.self)
            }.first
            guard owner == worldID else { throw StoreError.noSuchStep(stepID) }
            return (stepID, [])
        }
    }

    /// Locks the world's row, asks `move` for the new head and redo stack, and writes them.
    private func moveHead(worldID: Int64,
                          _ move: (PostgresConnection, World) async throws -> (head: Int64, redo: [Int64])) async throws -> World {
        try await transaction { connection in
            var world = try await lockedWorld(connection, worldID)
            let (head, redo) = try await move(connection, world)
            try await connection.query("""
                UPDATE world SET head_step_id = \(head), redo_stack = \(redo) WHERE id = \(worldID)
                """, logger: logger)
            world.headStepID = head
            world.redoStack = redo
            return world
        }
    }

    /// The world's row, locked until the transaction ends.
    func lockedWorld(_ connection: PostgresConnection, _ worldID: Int64) async throws -> World {
        guard let world = try await connection.rows("""
            SELECT \(unescaped: Rows.worldColumns) FROM world WHERE id = \(worldID) FOR UPDATE
            """, logger: logger, Rows.world).first else { throw StoreError.noSuchWorld(worldID) }
        return world
    }
}
