import FableCore
import GRDB

/// Rows of `step_piece`: a story step's index line and sentences, each searched on its own.
/// Written in the transaction that writes the step, so a step and its pieces appear together.
enum PieceRows {
    static func insert(_ db: Database, stepID: Int64, worldID: Int64, indexLine: String, passage: String) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO step_piece(id, step_id, world_id, text, terms) VALUES (?, ?, ?, ?, ?)
            """)
        for piece in StepPieces.split(indexLine: indexLine, passage: passage) {
            try statement.execute(arguments: [StepPieces.pieceID(step: stepID, number: piece.number), stepID, worldID,
                                              piece.text, CJKBigrams.indexed(piece.text)])
        }
    }

    /// The pieces of `stepIDs`, in step and piece order.
    static func pieces(_ db: Database, stepIDs: [Int64]) throws -> [StoredPiece] {
        let statement = try db.cachedStatement(sql: "SELECT id, text FROM step_piece WHERE id BETWEEN ? AND ? ORDER BY id")
        var result: [StoredPiece] = []
        for step in stepIDs {
            let rows = try Row.fetchCursor(statement, arguments: [StepPieces.firstPieceID(ofStep: step),
                                                                  StepPieces.lastPieceID(ofStep: step)])
            while let row = try rows.next() { result.append(StoredPiece(id: row[0], text: row[1])) }
        }
        return result
    }

    /// The text of one piece.
    static func text(_ db: Database, pieceID: Int64) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT text FROM step_piece WHERE id = ?"), arguments: [pieceID])
    }
}
