import FableCore
import Foundation
import GRDB

/// A row of `world`.
/// Columns are named by `CodingKeys`, not by GRDB's snake-case strategies, which convert every
/// key of every row read or written (an eighth of a step's store time, issue 7).
struct WorldRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "world"

    enum CodingKeys: String, CodingKey {
        case id, label, premise
        case storyId = "story_id", ownerId = "owner_id", headStepId = "head_step_id", redoStack = "redo_stack"
        case createdAt = "created_at"
    }

    var id: Int64?
    var label: String
    var storyId: String
    var premise: Premise
    var ownerId: Int64?
    var headStepId: Int64?
    var redoStack: [Int64]
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var world: World {
        World(id: id ?? 0, label: label, premise: premise, ownerID: ownerId, headStepID: headStepId,
              redoStack: redoStack, createdAt: createdAt)
    }
}

/// A row of `step`.
struct StepRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "step"

    enum CodingKeys: String, CodingKey {
        case id, depth, instruction, outline, passage, memory, options, model, attempts, kind, pins
        case worldId = "world_id", parentId = "parent_id", rootId = "root_id", memoryChange = "memory_change"
        case indexLine = "index_line", promptTokens = "prompt_tokens", completionTokens = "completion_tokens"
        case promptCharacters = "prompt_characters", latencyMs = "latency_ms", firstPassageMs = "first_passage_ms"
        case createdAt = "created_at"
    }

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
    var options: [String]
    var model: String
    var promptTokens: Int
    var completionTokens: Int
    var promptCharacters: Int
    var latencyMs: Int
    var firstPassageMs: Int?
    var attempts: Int
    var kind: StepKind
    var pins: [String]
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

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

/// A row of `account`.
struct AccountRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "account"
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var id: Int64?
    var name: String
    var passwordHash: String
    var isAdmin: Bool
    var settings: ReaderSettings
    var lastWorldId: Int64?
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var account: Account {
        Account(id: id ?? 0, name: name, passwordHash: passwordHash, isAdmin: isAdmin, settings: settings,
                lastWorldID: lastWorldId, createdAt: createdAt)
    }
}

/// A row of `step_trace`: the exact prompt and reply of a step.
struct StepTraceRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "step_trace"

    enum CodingKeys: String, CodingKey {
        case messages, reply, parameters
        case stepId = "step_id"
    }

    /// A JSON column (its keys as in Swift: GRDB's column strategies never reached nested values).
    struct Parameters: Codable {
        var temperature: Double?
        var maxTokens: Int?
    }

    var stepId: Int64
    var messages: [ChatMessage]
    var reply: String
    var parameters: Parameters

    init(stepId: Int64, _ trace: StepTrace) {
        self.stepId = stepId
        messages = trace.messages
        reply = trace.reply
        parameters = Parameters(temperature: trace.temperature, maxTokens: trace.maxTokens)
    }

    var trace: StepTrace {
        StepTrace(messages: messages, reply: reply, temperature: parameters.temperature,
                  maxTokens: parameters.maxTokens)
    }
}
