import FableCore
import PostgresNIO

extension PostgresStore {
    /// The world, its head, the head's opening and the search start from one snapshot (a
    /// repeatable-read transaction), so the parts agree while other front ends write.
    public func position(worldID: Int64) async throws -> WorldPosition {
        try await transaction { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
            guard let world = try await connection.rows("""
                SELECT \(unescaped: Rows.worldColumns) FROM world WHERE id = \(worldID)
                """, logger: logger, Rows.world).first else { throw StoreError.noSuchWorld(worldID) }
            guard let headID = world.headStepID else {
                return WorldPosition(world: world, head: nil, opening: nil, searchStart: nil)
            }
            // The head and its opening in one query (an opening is its own).
            let steps = try await connection.rows("""
                SELECT \(unescaped: Rows.stepColumns(of: "step")) FROM step
                WHERE step.id = \(headID) OR step.id = (SELECT root_id FROM step WHERE id = \(headID))
                """, logger: logger, Rows.step)
            guard let head = steps.first(where: { $0.id == headID }) else { throw StoreError.noSuchStep(headID) }
            guard let opening = steps.first(where: { $0.parentID == nil }) else { throw StoreError.noSuchStep(headID) }
            // Above the nearest story step at or above the head: revisions repeat their parent's passage.
            var searchStart = head.parentID
            var isRevision = head.kind == .revision
            while isRevision, let above = searchStart {
                guard let row = try await connection.rows("SELECT kind, parent_id FROM step WHERE id = \(above)",
                                                          logger: logger, {
                    (try $0[0].decode(String.self), try $0[1].decode(Int64?.self))
                }).first else { break }
                isRevision = row.0 == StepKind.revision.rawValue
                searchStart = row.1
            }
            return WorldPosition(world: world, head: head, opening: opening, searchStart: searchStart)
        }
    }
}
