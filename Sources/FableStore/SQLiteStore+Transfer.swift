import FableCore
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a backup could not be made.
public enum BackupError: Error, Sendable, Equatable, CustomStringConvertible {
    case fileExists(String)
    case cannotCreate(String, String)

    public var description: String {
        switch self {
        case .fileExists(let path): return "\(path) exists already; a backup never overwrites a file"
        case .cannotCreate(let path, let why): return "cannot create \(path): \(why)"
        }
    }
}

/// Whole-world export and import (`WorldArchive`), and a copy of the whole database.
extension SQLiteStore {
    /// The world and every step of its tree, read in one transaction: a consistent snapshot
    /// even while the server writes.
    public func exportWorld(id: Int64) async throws -> WorldArchive {
        try await pool.read { db in
            let world = try Self.fetchWorld(db, id)
            let owner = try world.ownerId.flatMap { try AccountRecord.fetchOne(db, key: $0)?.name }
            // Ids grow with every insert, so ordering by id puts parents before children.
            let steps = try StepRecord.filter(Column("world_id") == id).order(Column("id")).fetchAll(db).map(\.step)
            let traces = try StepTraceRecord.fetchAll(db, sql: """
                SELECT step_trace.* FROM step_trace JOIN step ON step.id = step_trace.step_id
                WHERE step.world_id = ?
                """, arguments: [id])
            var traceOf: [Int64: StepTrace] = [:]
            for trace in traces { traceOf[trace.stepId] = trace.trace }
            return try WorldArchive(world: world.world, owner: owner, steps: steps, traces: traceOf)
        }
    }

    /// A new world from an archive, in one transaction: the world, its steps (parents first,
    /// through the same full-text triggers as a commit), their traces, the head and the redo
    /// stack. The archive is checked first (`WorldArchive.validate`); a bad one throws its
    /// `WorldArchiveError` and nothing is written.
    public func importWorld(_ archive: WorldArchive, ownerID: Int64?, label: String) async throws -> World {
        let order = try archive.validate()
        return try await write { db in
            if let ownerID, try AccountRecord.fetchOne(db, key: ownerID) == nil {
                throw AccountError.noSuchAccount("#\(ownerID)")
            }
            var world = WorldRecord(id: nil, label: label, storyId: archive.premise.storyID, premise: archive.premise,
                                    ownerId: ownerID, headStepId: nil, redoStack: [],
                                    createdAt: Self.storable(archive.createdAt))
            try world.insert(db)
            guard let worldID = world.id else { throw StoreError.noSuchWorld(0) }
            var newID: [Int: Int64] = [:]
            var rootOf: [Int64: Int64] = [:]
            for step in order {
                let parentID = step.parent.flatMap { newID[$0] }
                let draft = StepDraft(worldID: worldID, parentID: parentID, depth: step.depth,
                                      instruction: step.instruction, content: step.content,
                                      telemetry: step.telemetry, kind: step.kind, trace: step.trace)
                // root_id: the opening of the step's branch, as `commit` sets it.
                var record = StepRecord(draft, rootId: parentID.flatMap { rootOf[$0] },
                                        createdAt: Self.storable(step.createdAt))
                try record.insert(db)
                guard let id = record.id, let rootID = record.rootId else { throw StoreError.noSuchStep(0) }
                rootOf[id] = rootID
                newID[step.id] = id
                if let trace = step.trace {
                    try StepTraceRecord(stepId: id, trace).insert(db)
                }
            }
            world.headStepId = archive.head.flatMap { newID[$0] }
            world.redoStack = archive.redoStack.compactMap { newID[$0] }
            try world.update(db)
            return world.world
        }
    }

    /// A consistent copy of the whole database in a new file (`VACUUM INTO`), made while the
    /// server goes on writing. The file must not exist; it is created owner-only (0600).
    public func backup(to path: String) async throws {
        // Created empty and owner-only first (SQLite accepts an empty file as the target), so
        // the copy is never readable by others, and O_EXCL refuses any existing file.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            let code = errno
            if code == EEXIST { throw BackupError.fileExists(path) }
            throw BackupError.cannotCreate(path, String(cString: strerror(code)))
        }
        close(descriptor)
        do {
            // VACUUM cannot run in a transaction. On a reader connection it takes its own read
            // snapshot and never holds up the writer.
            try await pool.unsafeRead { db in
                try db.execute(sql: "VACUUM INTO ?", arguments: [path])
            }
            _ = chmod(path, 0o600)
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
    }

    /// The database keeps dates to the millisecond, and truncates: an imported date gets a
    /// microsecond more so that it is stored as the millisecond the archive names.
    private static func storable(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000 + 0.000_001)
    }
}
