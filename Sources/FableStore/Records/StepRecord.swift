import FableCore
import Foundation
import GRDB

/// A row of `step`. Read and written by hand, as `WorldRecord` is: every step reads one
/// and writes one.
struct StepRecord {
    static let databaseTableName = "step"

    var id: Int64?
    var worldId: Int64
    var parentId: Int64?
    var rootId: Int64?
    var depth: Int
    var instruction: String
    var outline: String?
    var passage: String
    var memoryChange: String
    var memory: String
    var indexLine: String
    /// JSON text.
    var options: [String]
    var model: String
    var promptTokens: Int
    var completionTokens: Int
    var promptCharacters: Int
    var latencyMs: Int
    var firstPassageMs: Int?
    var attempts: Int
    var kind: StepKind
    /// JSON text.
    var pins: [String]
    var createdAt: Date

    init(_ draft: StepDraft, rootId: Int64?, createdAt: Date) {
        worldId = draft.worldID
        parentId = draft.parentID
        self.rootId = rootId
        depth = draft.depth
        instruction = draft.instruction
        outline = draft.content.outline
        passage = draft.content.passage
        memoryChange = draft.content.memoryChange
        memory = draft.content.memory
        indexLine = draft.content.indexLine
        options = draft.content.options
        model = draft.telemetry.model
        promptTokens = draft.telemetry.promptTokens
        completionTokens = draft.telemetry.completionTokens
        promptCharacters = draft.telemetry.promptCharacters
        latencyMs = draft.telemetry.latencyMilliseconds
        firstPassageMs = draft.telemetry.firstPassageMilliseconds
        attempts = draft.telemetry.attempts
        kind = draft.kind
        pins = draft.content.pins
        self.createdAt = createdAt
    }

    var step: Step {
        Step(id: id ?? 0, worldID: worldId, parentID: parentId, depth: depth, instruction: instruction,
             content: StepContent(outline: outline, passage: passage, memoryChange: memoryChange,
                                  memory: memory, indexLine: indexLine, options: options, pins: pins),
             telemetry: StepTelemetry(model: model, promptTokens: promptTokens,
                                      completionTokens: completionTokens, promptCharacters: promptCharacters,
                                      latencyMilliseconds: latencyMs, firstPassageMilliseconds: firstPassageMs,
                                      attempts: attempts),
             kind: kind, createdAt: createdAt)
    }
}

extension StepRecord: FetchableRecord, TableRecord {
    init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        worldId = try row.decode(forColumn: "world_id")
        parentId = try row.decode(forColumn: "parent_id")
        rootId = try row.decode(forColumn: "root_id")
        depth = try row.decode(forColumn: "depth")
        instruction = try row.decode(forColumn: "instruction")
        outline = try row.decode(forColumn: "outline")
        passage = try row.decode(forColumn: "passage")
        memoryChange = try row.decode(forColumn: "memory_change")
        memory = try row.decode(forColumn: "memory")
        indexLine = try row.decode(forColumn: "index_line")
        options = try JSONColumn.decode(row, "options")
        model = try row.decode(forColumn: "model")
        promptTokens = try row.decode(forColumn: "prompt_tokens")
        completionTokens = try row.decode(forColumn: "completion_tokens")
        promptCharacters = try row.decode(forColumn: "prompt_characters")
        latencyMs = try row.decode(forColumn: "latency_ms")
        firstPassageMs = try row.decode(forColumn: "first_passage_ms")
        attempts = try row.decode(forColumn: "attempts")
        let kindName: String = try row.decode(forColumn: "kind")
        guard let kind = StepKind(rawValue: kindName) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "step \(id ?? 0): unknown kind \"\(kindName)\""))
        }
        self.kind = kind
        pins = try JSONColumn.decode(row, "pins")
        createdAt = try row.decode(forColumn: "created_at")
    }

    /// Inserts the row through one kept statement. GRDB's record insert builds a persistence
    /// container (a case-insensitive dictionary of 22 columns) and looks its statement up at
    /// every call, which costs more than the rest of a commit's CPU. The JSON columns and
    /// the date are written by SQLite (`SQLValues`), not Foundation. An opening (no `rootId`)
    /// is its own branch's root, which only its new id can say.
    mutating func insert(_ db: Database) throws {
        let options = try SQLValues.stringArray(options)
        let pins = try SQLValues.stringArray(pins)
        let date = SQLValues.date(createdAt)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO step (world_id, parent_id, root_id, depth, instruction, outline, passage, memory_change,
                              memory, index_line, options, model, prompt_tokens, completion_tokens,
                              prompt_characters, latency_ms, first_passage_ms, attempts, kind, pins, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(options.sql), ?, ?, ?, ?, ?, ?, ?, ?, \(pins.sql), \(date.sql))
            """)
        let values: [(any DatabaseValueConvertible)?] = [
            worldId, parentId, rootId, depth, instruction, outline, passage, memoryChange, memory, indexLine,
        ] + options.values + [
            model, promptTokens, completionTokens, promptCharacters, latencyMs, firstPassageMs, attempts, kind.rawValue,
        ] + pins.values + date.values
        try statement.execute(arguments: StatementArguments(values))
        id = db.lastInsertedRowID
        if rootId == nil {
            rootId = id
            try db.cachedStatement(sql: "UPDATE step SET root_id = id WHERE id = ?").execute(arguments: [id])
        }
        // A revision repeats its parent's passage: it stays out of long-term search.
        if kind == .story, let id {
            try PieceRows.insert(db, stepID: id, worldID: worldId, indexLine: indexLine, passage: passage)
        }
    }
}
