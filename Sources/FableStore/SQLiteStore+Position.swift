import FableCore
import GRDB
import Synchronization

extension SQLiteStore {
    /// The world, its head, the head's opening and the search start in one read transaction:
    /// one read instead of one per part (each read has a fixed cost), and all from the same
    /// snapshot.
    public func position(worldID: Int64) async throws -> WorldPosition {
        try readHere { db in
            let world = try Self.fetchWorld(db, worldID).world
            guard let headID = world.headStepID else {
                return WorldPosition(world: world, head: nil, opening: nil, searchStart: nil)
            }
            guard let head = try Self.stepRecord(headID, db) else { throw StoreError.noSuchStep(headID) }
            return WorldPosition(world: world, head: head.step, opening: try self.opening(of: head, db),
                                 searchStart: try Self.searchStart(below: head, db))
        }
    }

    /// The opening of `step`'s branch; an opening is its own. Read once per store.
    private func opening(of step: StepRecord, _ db: Database) throws -> Step {
        if step.rootId == step.id { return step.step }
        guard let rootID = step.rootId else { throw StoreError.noSuchStep(step.id ?? 0) }
        if let known = openings.opening(rootID) { return known }
        guard let root = try Self.stepRecord(rootID, db) else { throw StoreError.noSuchStep(step.id ?? 0) }
        openings.remember(root.step)
        return root.step
    }

    /// The parent of the nearest story step at or above `step` (revisions repeat their
    /// parent's passage). Only a revision's kind and parent are read, not its whole row.
    private static func searchStart(below step: StepRecord, _ db: Database) throws -> Int64? {
        var isRevision = step.kind == .revision
        var parentID = step.parentId
        while isRevision, let above = parentID {
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT kind, parent_id FROM step WHERE id = ?"),
                                             arguments: [above]) else { break }
            isRevision = (row["kind"] as String?) == StepKind.revision.rawValue
            parentID = row["parent_id"]
        }
        return parentID
    }
}

/// The openings a store has read, by step id. A committed step never changes and an id is
/// never reused (AUTOINCREMENT), so an opening read once holds for the store's life; keeping it
/// saves a row read and decode at every step.
final class OpeningCache: Sendable {
    private let openings = Mutex<[Int64: Step]>([:])

    /// Most worlds have one opening (one per branch root); the cap only bounds a server that
    /// runs for months.
    static let capacity = 4096

    func opening(_ id: Int64) -> Step? {
        openings.withLock { $0[id] }
    }

    func remember(_ opening: Step) {
        openings.withLock { openings in
            if openings.count >= Self.capacity { openings.removeAll() }
            openings[opening.id] = opening
        }
    }
}
