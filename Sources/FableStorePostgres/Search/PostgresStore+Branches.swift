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
        // Another search may top the tree up at the same time; then this one reads on from it.
        for _ in 0..<4 {
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
            guard let last = nodes.last else { break }
            // The same steps' pieces: steps above `last` may have been committed since.
            let wordPieces = try await rows("""
                SELECT word.lexeme, count(*) FROM step_piece AS piece, unnest(piece.search) AS word
                WHERE piece.world_id = \(worldID) AND piece.step_id > \(highest) AND piece.step_id <= \(last.id)
                GROUP BY word.lexeme
                """) { (word: try $0[0].decode(String.self), pieces: try $0[1].decode(Int.self)) }
            if trees.add(nodes, wordPieces: wordPieces, above: highest, worldID: worldID) { break }
        }
        return trees.branch(endingAt: stepID, worldID: worldID)
    }
}
