import FableCore
import Foundation
import GRDB

/// The store on a SQLite file: WAL mode, one transaction per unit of work.
public final class SQLiteStore: StoryStore {
    public let path: String
    let pool: DatabasePool

    /// Opens (creating if needed, readable by its owner only) and migrates the database.
    public init(path: String) throws {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // A committed step survives a power cut, not only a killed process.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Schema.migrator.migrate(pool)
    }

    public func createWorld(label: String, premise: Premise, ownerID: Int64?) async throws -> World {
        try await pool.write { db in
            var record = WorldRecord(id: nil, label: label, storyId: premise.storyID, premise: premise,
                                     ownerId: ownerID, headStepId: nil, redoStack: [], createdAt: Date())
            try record.insert(db)
            return record.world
        }
    }

    public func world(id: Int64) async throws -> World? {
        try await pool.read { db in try WorldRecord.fetchOne(db, key: id)?.world }
    }

    public func world(label: String) async throws -> World? {
        try await pool.read { db in
            try WorldRecord.filter(Column("label") == label).order(Column("id").desc).fetchOne(db)?.world
        }
    }

    public func latestWorld(storyID: String) async throws -> World? {
        try await pool.read { db in
            try WorldRecord.filter(Column("story_id") == storyID).order(Column("id").desc).fetchOne(db)?.world
        }
    }

    public func worlds(ownerID: Int64) async throws -> [World] {
        try await pool.read { db in
            try WorldRecord.filter(Column("owner_id") == ownerID).order(Column("id")).fetchAll(db).map(\.world)
        }
    }

    public func step(id: Int64) async throws -> Step? {
        try await pool.read { db in try StepRecord.fetchOne(db, key: id)?.step }
    }

    public func opening(of stepID: Int64) async throws -> Step {
        try await pool.read { db in
            let sql = "SELECT root.* FROM step JOIN step AS root ON root.id = step.root_id WHERE step.id = ?"
            guard let root = try StepRecord.fetchOne(db, sql: sql, arguments: [stepID]) else {
                throw StoreError.noSuchStep(stepID)
            }
            return root.step
        }
    }

    public func path(to stepID: Int64) async throws -> [Step] {
        try await pool.read { db in
            try StepRecord.fetchAll(db, sql: """
                WITH RECURSIVE chain(id) AS (
                    SELECT ? UNION ALL
                    SELECT step.parent_id FROM step JOIN chain ON step.id = chain.id
                    WHERE step.parent_id IS NOT NULL)
                SELECT step.* FROM step JOIN chain ON step.id = chain.id ORDER BY step.depth, step.id
                """, arguments: [stepID]).map(\.step)
        }
    }

    public func searchBranch(endingAt stepID: Int64, terms: [String], limit: Int) async throws -> [RetrievedPassage] {
        let query = terms.map { "\"\($0.replacingOccurrences(of: "\"", with: ""))\"" }.joined(separator: " OR ")
        guard !query.isEmpty, limit > 0 else { return [] }
        return try await pool.read { db in
            try Row.fetchAll(db, sql: """
                WITH RECURSIVE ancestor(id) AS (
                    SELECT :step
                    UNION ALL
                    SELECT step.parent_id FROM step JOIN ancestor ON step.id = ancestor.id
                    WHERE step.parent_id IS NOT NULL)
                SELECT step.id, step.depth, step.index_line, step.passage,
                       bm25(step_fts, 2.0, 1.0) AS score
                FROM step_fts JOIN step ON step.id = step_fts.rowid
                WHERE step_fts MATCH :query AND step.id IN (SELECT id FROM ancestor)
                ORDER BY score LIMIT :limit
                """, arguments: ["step": stepID, "query": query, "limit": limit]).map { row in
                RetrievedPassage(stepID: row["id"], depth: row["depth"], indexLine: row["index_line"],
                                 passage: row["passage"], score: row["score"])
            }
        }
    }

    public func commit(_ draft: StepDraft, expectedHead: Int64?) async throws -> Step {
        try await pool.write { db in
            guard var world = try WorldRecord.fetchOne(db, key: draft.worldID) else {
                throw StoreError.noSuchWorld(draft.worldID)
            }
            guard world.headStepId == expectedHead else { throw StoreError.headMoved }
            var rootId: Int64?
            if let parentID = draft.parentID {
                guard let parent = try StepRecord.fetchOne(db, key: parentID), parent.worldId == draft.worldID else {
                    throw StoreError.noSuchStep(parentID)
                }
                rootId = parent.rootId
            }
            var record = StepRecord(draft, rootId: rootId, createdAt: Date())
            try record.insert(db)
            if let trace = draft.trace, let id = record.id {
                try StepTraceRecord(stepId: id, trace).insert(db)
            }
            if rootId == nil {
                record.rootId = record.id
                try db.execute(sql: "UPDATE step SET root_id = id WHERE id = ?", arguments: [record.id])
            }
            world.headStepId = record.id
            world.redoStack = []
            try world.update(db)
            return record.step
        }
    }

    public func undo(worldID: Int64) async throws -> World {
        try await pool.write { db in
            var world = try Self.fetchWorld(db, worldID)
            guard let headID = world.headStepId, let head = try StepRecord.fetchOne(db, key: headID),
                  let parentID = head.parentId else { throw StoreError.nothingToUndo }
            world.redoStack.append(headID)
            world.headStepId = parentID
            try world.update(db)
            return world.world
        }
    }

    public func redo(worldID: Int64) async throws -> World {
        try await pool.write { db in
            var world = try Self.fetchWorld(db, worldID)
            guard let next = world.redoStack.popLast() else { throw StoreError.nothingToRedo }
            world.headStepId = next
            try world.update(db)
            return world.world
        }
    }

    public func trace(stepID: Int64) async throws -> StepTrace? {
        try await pool.read { db in try StepTraceRecord.fetchOne(db, key: stepID)?.trace }
    }

    public func branchEnds(worldID: Int64) async throws -> [Step] {
        try await pool.read { db in
            try StepRecord.fetchAll(db, sql: """
                SELECT * FROM step WHERE world_id = ?
                AND NOT EXISTS (SELECT 1 FROM step AS child WHERE child.parent_id = step.id)
                ORDER BY id
                """, arguments: [worldID]).map(\.step)
        }
    }

    public func moveHead(worldID: Int64, to stepID: Int64) async throws -> World {
        try await pool.write { db in
            var world = try Self.fetchWorld(db, worldID)
            guard let step = try StepRecord.fetchOne(db, key: stepID), step.worldId == worldID else {
                throw StoreError.noSuchStep(stepID)
            }
            world.headStepId = step.id
            world.redoStack = []
            try world.update(db)
            return world.world
        }
    }

    private static func fetchWorld(_ db: Database, _ id: Int64) throws -> WorldRecord {
        guard let world = try WorldRecord.fetchOne(db, key: id) else { throw StoreError.noSuchWorld(id) }
        return world
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() async throws -> String {
        try await pool.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "\n") }
    }
}

// Checks that tests, benchmarks and admin tools use.
extension SQLiteStore {
    public func journalMode() async throws -> String {
        try await pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "" }
    }

    public func stepCount(worldID: Int64) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM step WHERE world_id = ?", arguments: [worldID]) ?? 0
        }
    }
}
