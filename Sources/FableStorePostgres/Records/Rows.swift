import FableCore
import Foundation
import PostgresNIO

/// The columns each record is read from, and how a row becomes the core's value.
enum Rows {
    static let worldColumns = "id, label, premise, owner_id, head_step_id, redo_stack, created_at"

    static func world(_ row: PostgresRandomAccessRow) throws -> World {
        World(id: try row["id"].decode(Int64.self), label: try row["label"].decode(String.self),
              premise: try JSONText.decode(try row["premise"].decode(String.self), as: Premise.self),
              ownerID: try row["owner_id"].decode(Int64?.self), headStepID: try row["head_step_id"].decode(Int64?.self),
              redoStack: try row["redo_stack"].decode([Int64].self), createdAt: try row["created_at"].decode(Date.self))
    }

    static let stepColumns = """
        id, world_id, parent_id, root_id, depth, instruction, outline, passage, memory_change, memory, index_line, \
        options, model, prompt_tokens, completion_tokens, prompt_characters, latency_ms, first_passage_ms, attempts, \
        kind, pins, created_at
        """

    /// `stepColumns` of the table called `name` in a query.
    static func stepColumns(of name: String) -> String {
        stepColumns.split(separator: ",").map { "\(name).\($0.trimmingCharacters(in: .whitespaces))" }
            .joined(separator: ", ")
    }

    static func step(_ row: PostgresRandomAccessRow) throws -> Step {
        let kindName = try row["kind"].decode(String.self)
        let id = try row["id"].decode(Int64.self)
        guard let kind = StepKind(rawValue: kindName) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "step \(id): unknown kind \"\(kindName)\""))
        }
        return Step(id: id, worldID: try row["world_id"].decode(Int64.self),
                    parentID: try row["parent_id"].decode(Int64?.self), depth: try row["depth"].decode(Int.self),
                    instruction: try row["instruction"].decode(String.self),
                    content: StepContent(outline: try row["outline"].decode(String?.self),
                                         passage: try row["passage"].decode(String.self),
                                         memoryChange: try row["memory_change"].decode(String.self),
                                         memory: try row["memory"].decode(String.self),
                                         indexLine: try row["index_line"].decode(String.self),
                                         options: try row["options"].decode([String].self),
                                         pins: try row["pins"].decode([String].self)),
                    telemetry: StepTelemetry(model: try row["model"].decode(String.self),
                                             promptTokens: try row["prompt_tokens"].decode(Int.self),
                                             completionTokens: try row["completion_tokens"].decode(Int.self),
                                             promptCharacters: try row["prompt_characters"].decode(Int.self),
                                             latencyMilliseconds: try row["latency_ms"].decode(Int.self),
                                             firstPassageMilliseconds: try row["first_passage_ms"].decode(Int?.self),
                                             attempts: try row["attempts"].decode(Int.self)),
                    kind: kind, createdAt: try row["created_at"].decode(Date.self))
    }

    static let accountColumns = "id, name, password_hash, is_admin, settings, last_world_id, created_at"

    static func account(_ row: PostgresRandomAccessRow) throws -> Account {
        Account(id: try row["id"].decode(Int64.self), name: try row["name"].decode(String.self),
                passwordHash: try row["password_hash"].decode(String.self), isAdmin: try row["is_admin"].decode(Bool.self),
                settings: try JSONText.decode(try row["settings"].decode(String.self), as: ReaderSettings.self),
                lastWorldID: try row["last_world_id"].decode(Int64?.self), createdAt: try row["created_at"].decode(Date.self))
    }

    /// A trace's parameters, as the SQLite store keeps them.
    struct TraceParameters: Codable {
        var temperature: Double?
        var maxTokens: Int?
    }

    static func trace(_ row: PostgresRandomAccessRow) throws -> StepTrace {
        let parameters = try JSONText.decode(try row["parameters"].decode(String.self), as: TraceParameters.self)
        return StepTrace(messages: try JSONText.decode(try row["messages"].decode(String.self)),
                         reply: try row["reply"].decode(String.self), temperature: parameters.temperature,
                         maxTokens: parameters.maxTokens, calls: try JSONText.decode(try row["calls"].decode(String.self)))
    }
}
