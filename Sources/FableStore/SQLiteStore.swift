import FableCore
import FableStoreKit
import Foundation
import GRDB

/// The store on a SQLite file: WAL mode, one transaction per unit of work.
public final class SQLiteStore: StoryStore {
    public let path: String
    let pool: DatabasePool
    /// The connection of `readHere`, the step's short reads (see `SQLiteStore+Access.swift`).
    let shortReads: DatabaseQueue
    /// Each world's tree, branch and term counts, so a step's search reads little.
    let cache = SearchCache()
    /// Branch openings already read (they never change).
    let openings = OpeningCache()

    /// Copies the write-ahead log into the database file, off the commits' path.
    private let checkpointer: RepeatingTask
    /// Merges the full-text index between commits, not inside them.
    private let merger: RepeatingTask
    /// Counts the writes, so the merger sleeps while there are none.
    let writes = WriteSignal()

    /// Opens (creating if needed, readable by its owner only) and migrates the database.
    public convenience init(path: String, durability: Durability = .everyCommit) throws {
        try self.init(path: path, durability: durability, mergeInterval: FullTextMerger.interval)
    }

    /// `mergeInterval`: how often `FullTextMerger` runs (tests set it long, to merge by hand).
    init(path: String, durability: Durability, mergeInterval: Duration) throws {
        self.path = path
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // SQLite's automatic checkpoint runs inside the commit that fills the log to 1,000
            // pages: that one commit copies the log and fsyncs the file. The
            // checkpointer's own connection does it instead; this limit only bounds the log
            // should that connection ever stop.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.fallbackCheckpointPages)")
            FullTextFunctions.register(db)
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // Set on the writer after the pool is open: a pool sets `synchronous = NORMAL` when it
        // turns WAL on, after `prepareDatabase` has run, so a setting made there is undone.
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(durability == .everyCommit ? "FULL" : "NORMAL")")
        }
        try Schema.migrator.migrate(pool)
        var readOnly = Configuration()
        readOnly.readonly = true
        readOnly.busyMode = .timeout(10)
        readOnly.prepareDatabase { db in FullTextFunctions.register(db) }
        shortReads = try DatabaseQueue(path: path, configuration: readOnly)
        checkpointer = try WALCheckpointer.start(path: path, interval: durability.checkpointInterval)
        merger = FullTextMerger.start(pool: pool, writes: writes, interval: mergeInterval)
    }

    /// 40 MB of log with 4 KiB pages.
    static let fallbackCheckpointPages = 10_000

    public func createWorld(label: String, premise: Premise, ownerID: Int64?) async throws -> World {
        try await write { db in
            var record = WorldRecord(id: nil, label: label, storyId: premise.storyID, premise: premise,
                                     ownerId: ownerID, headStepId: nil, redoStack: [], createdAt: Date())
            try record.insert(db)
            return record.world
        }
    }

    public func world(id: Int64) async throws -> World? {
        try readHere { db in try Self.worldRecord(id, db)?.world }
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
        try readHere { db in try Self.stepRecord(id, db)?.step }
    }

    public func opening(of stepID: Int64) async throws -> Step {
        try readHere { db in
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
        var seen = Set<String>()
        // A quote would end the term's phrase in the MATCH query. Removed without Foundation,
        // whose `replacingOccurrences` costs more than the rest of picking the terms.
        let terms = terms.map { $0.unicodeScalars.contains("\"") ? String($0.unicodeScalars.filter { $0 != "\"" }) : $0 }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
        guard !terms.isEmpty, limit > 0 else { return [] }
        return try readHere { db in
            guard let branch = try self.cache.branch(endingAt: stepID, db) else {
                return try Self.searchBranchWalkingAncestors(db, endingAt: stepID, terms: terms, limit: limit)
            }
            return try Self.search(db, branch: branch, terms: terms, limit: limit, cache: self.cache)
        }
    }

    /// The branch's search keeps its cost bounded by `TermBudget`'s rule; the counts come from
    /// the world's postings (at most `commonPostings + 1`, kept up to date between steps), so no
    /// posting of another world is read for the idfs that `WorldBM25` ranks with.
    static let commonPostings = TermBudget.commonPostings

    private static func search(_ db: Database, branch: SearchCache.Branch, terms: [String], limit: Int,
                               cache: SearchCache) throws -> [RetrievedPassage] {
        let world = "world_id : \"\(branch.worldID)\""
        // The branch's steps are the world's and never newer than its last step. When the
        // world holds most steps of that id range (one story, or the only busy one), its
        // term alone would cost more (the MATCH and every count step through its postings)
        // than the few other worlds' matches that the branch filter drops.
        let first = branch.chain.first ?? branch.stepID
        let scoped = Double(branch.worldSize) < 0.75 * Double(branch.stepID - first + 1)
        let lastPiece = StepPieces.lastPieceID(ofStep: branch.stepID)
        let counts = try termCounts(db, terms: terms, branch: branch, first: first, scope: scoped ? world : nil,
                                    cache: cache)
        let (rare, filling) = TermBudget.split(terms.indices.map { TermBudget.Term(term: terms[$0], count: counts[$0], order: $0) })
        guard !rare.isEmpty || !filling.isEmpty else { return [] }
        // The query, and one idf per phrase in its order, from the world's own counts.
        func query(_ entries: [TermBudget.Term]) -> (match: String, idfs: Data) {
            let any = entries.map { "\"\($0.term)\"" }.joined(separator: " OR ")
            // What the counts are out of: the world's pieces in the range, or (unscoped) every
            // world's, estimated from the world's pieces a step.
            let perStep = Double(branch.piecesInRange) / Double(max(branch.stepsInRange, 1))
            let inRange = scoped ? branch.piecesInRange : Int(perStep * Double(branch.stepID - first + 1))
            let documents = max(inRange, entries.map(\.count).max() ?? 0)
            let idfs = (scoped ? [0] : []) + entries.map { WorldBM25.idf(documents: documents, matches: $0.count) }
            return (scoped ? world + " AND (" + any + ")" : any, WorldBM25.argument(idfs))
        }
        // Best first, a step at its best piece; only the branch's steps.
        var found: [Hit] = []
        var taken = Set<Int64>()
        func collect(_ query: (match: String, idfs: Data), from lowest: Int64) throws {
            let statement = try db.cachedStatement(sql: """
                SELECT rowid, \(WorldBM25.functionName)(piece_fts, ?) AS score FROM piece_fts
                WHERE piece_fts MATCH ? AND rowid BETWEEN ? AND ? ORDER BY score
                """)
            let rows = try Row.fetchCursor(statement, arguments: [query.idfs, query.match,
                                                                  StepPieces.firstPieceID(ofStep: lowest), lastPiece])
            while found.count < limit, let row = try rows.next() {
                let piece: Int64 = row[0]
                let id = StepPieces.stepID(ofPiece: piece)
                guard branch.contains(id), taken.insert(id).inserted else { continue }
                let score: Double = row[1]
                found.append((id, score, (piece, .bm25, score)))
            }
        }
        if !rare.isEmpty { try collect(query(rare), from: first) }
        if found.count < limit, !filling.isEmpty {
            let recent = branch.chain[max(0, branch.chain.count - TermBudget.recentWindow)]
            try collect(query(rare + filling), from: recent)
        }
        return try passages(db, found)
    }

    /// A step found, its score, and the piece that found it.
    typealias Hit = (id: Int64, score: Double, piece: (id: Int64, ranking: RetrievedPiece.Ranking, score: Double))

    /// The passages of `hits`, in their order, with their scores and pieces: kept statements,
    /// run once per hit (a single `IN (…)` query would be prepared anew for each count of hits).
    static func passages(_ db: Database, _ hits: [Hit]) throws -> [RetrievedPassage] {
        let statement = try db.cachedStatement(sql: "SELECT depth, index_line, passage FROM step WHERE id = ?")
        return try hits.enumerated().compactMap { rank, hit in
            guard let row = try Row.fetchOne(statement, arguments: [hit.id]) else { return nil }
            let text = try PieceRows.text(db, pieceID: hit.piece.id) ?? ""
            return RetrievedPassage(stepID: hit.id, depth: row[0], indexLine: row[1], passage: row[2], score: hit.score,
                                    pieces: [RetrievedPiece(id: hit.piece.id, text: text, ranking: hit.piece.ranking,
                                                            rank: rank + 1, score: hit.piece.score)])
        }
    }

    /// The search without the cache's tree (a step the cache cannot place): the recursive
    /// walk up the branch, every term.
    private static func searchBranchWalkingAncestors(_ db: Database, endingAt stepID: Int64, terms: [String],
                                                     limit: Int) throws -> [RetrievedPassage] {
        let query = terms.map { "\"\($0)\"" }.joined(separator: " OR ")
        let rows = try Row.fetchAll(db, sql: """
            WITH RECURSIVE ancestor(id) AS (
                SELECT :step
                UNION ALL
                SELECT step.parent_id FROM step JOIN ancestor ON step.id = ancestor.id
                WHERE step.parent_id IS NOT NULL)
            SELECT piece_fts.rowid AS piece, bm25(piece_fts, 1.0, 0.0) AS score
            FROM piece_fts
            WHERE piece_fts MATCH :query AND (piece_fts.rowid >> \(StepPieces.shift)) IN (SELECT id FROM ancestor)
            ORDER BY score
            """, arguments: ["step": stepID, "query": query])
        var found: [Hit] = []
        var taken = Set<Int64>()
        for row in rows where found.count < limit {
            let piece: Int64 = row["piece"]
            let id = StepPieces.stepID(ofPiece: piece)
            guard taken.insert(id).inserted else { continue }
            let score: Double = row["score"]
            found.append((id, score, (piece, .bm25, score)))
        }
        return try passages(db, found)
    }

    public func commit(_ draft: StepDraft, expectedHead: Int64?) async throws -> Step {
        try await write { db in
            // Only what the checks need is read and only the head is written: decoding and
            // encoding the world's premise and the parent's row would be most of a commit.
            guard let world = try Row.fetchOne(db.cachedStatement(sql: "SELECT head_step_id FROM world WHERE id = ?"),
                                               arguments: [draft.worldID]) else {
                throw StoreError.noSuchWorld(draft.worldID)
            }
            guard world["head_step_id"] as Int64? == expectedHead else { throw StoreError.headMoved }
            var rootId: Int64?
            if let parentID = draft.parentID {
                guard let parent = try Row.fetchOne(db.cachedStatement(sql: "SELECT world_id, root_id FROM step WHERE id = ?"),
                                                    arguments: [parentID]),
                      parent["world_id"] as Int64 == draft.worldID else {
                    throw StoreError.noSuchStep(parentID)
                }
                rootId = parent["root_id"]
            }
            var record = StepRecord(draft, rootId: rootId, createdAt: Date())
            try record.insert(db)
            if let trace = draft.trace, let id = record.id {
                try StepTraceRecord(stepId: id, trace).insert(db)
            }
            try db.cachedStatement(sql: "UPDATE world SET head_step_id = ?, redo_stack = '[]' WHERE id = ?")
                .execute(arguments: [record.id, draft.worldID])
            return record.step
        }
    }

    public func undo(worldID: Int64) async throws -> World {
        try await write { db in
            var world = try Self.fetchWorld(db, worldID)
            guard let headID = world.headStepId, let head = try Self.stepRecord(headID, db),
                  let parentID = head.parentId else { throw StoreError.nothingToUndo }
            world.redoStack.append(headID)
            world.headStepId = parentID
            try world.update(db)
            return world.world
        }
    }

    public func redo(worldID: Int64) async throws -> World {
        try await write { db in
            var world = try Self.fetchWorld(db, worldID)
            guard let next = world.redoStack.popLast() else { throw StoreError.nothingToRedo }
            world.headStepId = next
            try world.update(db)
            return world.world
        }
    }

    public func trace(stepID: Int64) async throws -> StepTrace? {
        try readHere { db in try StepTraceRecord.fetchOne(db, key: stepID)?.trace }
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
        try await write { db in
            var world = try Self.fetchWorld(db, worldID)
            guard let step = try Self.stepRecord(stepID, db), step.worldId == worldID else {
                throw StoreError.noSuchStep(stepID)
            }
            world.headStepId = step.id
            world.redoStack = []
            try world.update(db)
            return world.world
        }
    }

    static func fetchWorld(_ db: Database, _ id: Int64) throws -> WorldRecord {
        guard let world = try worldRecord(id, db) else { throw StoreError.noSuchWorld(id) }
        return world
    }

    /// Rows by id through kept statements: `fetchOne(db, key:)` writes its SQL anew at every
    /// call, a large part of a one-row read.
    static func worldRecord(_ id: Int64, _ db: Database) throws -> WorldRecord? {
        try WorldRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM world WHERE id = ?"), arguments: [id])
    }

    static func stepRecord(_ id: Int64, _ db: Database) throws -> StepRecord? {
        try StepRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM step WHERE id = ?"), arguments: [id])
    }

    /// The writer's `PRAGMA synchronous`: 2 (FULL) when each commit waits for its fsync.
    public func writerSynchronous() async throws -> Int {
        try await pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
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
