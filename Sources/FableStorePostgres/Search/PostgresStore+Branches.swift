import FableCore
import PostgresNIO

extension PostgresStore {
    /// The branch ending at `stepID` (the step and its ancestors) with its pieces' statistics,
    /// from the world's tree in memory, brought up to date first; nil when there is no such step.
    func branch(endingAt stepID: Int64) async throws -> BranchTrees.Branch? {
        let worldID: Int64
        if let known = trees.world(holding: stepID) {
            worldID = known
        } else if let found = try await rows("SELECT world_id FROM step WHERE id = \(stepID)",
                                             { try $0[0].decode(Int64.self) }).first {
            worldID = found
        } else {
            return nil
        }
        let highest = trees.highest(worldID: worldID)
        let nodes = try await rows("""
            SELECT step.id, step.parent_id, count(piece.id), coalesce(sum(piece.words), 0)
            FROM step LEFT JOIN step_piece AS piece ON piece.step_id = step.id
            WHERE step.world_id = \(worldID) AND step.id > \(highest)
            GROUP BY step.id ORDER BY step.id
            """) { row in
            BranchTrees.Node(id: try row[0].decode(Int64.self), parent: try row[1].decode(Int64?.self),
                             pieces: try row[2].decode(Int.self), words: try row[3].decode(Int.self))
        }
        if !nodes.isEmpty { trees.add(nodes, worldID: worldID) }
        return trees.branch(endingAt: stepID, worldID: worldID)
    }
}
