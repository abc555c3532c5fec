import Foundation

/// What the model wrote in one step, once validated.
public struct StepContent: Codable, Sendable, Equatable {
    /// Only the opening step has an outline.
    public var outline: String?
    public var passage: String
    public var memoryChange: String
    public var memory: String
    public var indexLine: String
    public var options: [String]

    public init(outline: String? = nil, passage: String, memoryChange: String, memory: String,
                indexLine: String, options: [String]) {
        self.outline = outline
        self.passage = passage
        self.memoryChange = memoryChange
        self.memory = memory
        self.indexLine = indexLine
        self.options = options
    }
}

/// How a step was made: kept for inspection and benchmarks.
public struct StepTelemetry: Codable, Sendable, Equatable {
    public var model: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var promptCharacters: Int
    public var latencyMilliseconds: Int
    /// From the start of the step to the first passage text the reader saw.
    public var firstPassageMilliseconds: Int?
    public var attempts: Int

    public init(model: String = "", promptTokens: Int = 0, completionTokens: Int = 0,
                promptCharacters: Int = 0, latencyMilliseconds: Int = 0,
                firstPassageMilliseconds: Int? = nil, attempts: Int = 1) {
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.promptCharacters = promptCharacters
        self.latencyMilliseconds = latencyMilliseconds
        self.firstPassageMilliseconds = firstPassageMilliseconds
        self.attempts = attempts
    }
}

/// A step ready to be committed: everything but the identity the store gives it.
public struct StepDraft: Sendable, Equatable {
    public var worldID: Int64
    public var parentID: Int64?
    public var depth: Int
    public var instruction: String
    public var content: StepContent
    public var telemetry: StepTelemetry

    public init(worldID: Int64, parentID: Int64?, depth: Int, instruction: String,
                content: StepContent, telemetry: StepTelemetry) {
        self.worldID = worldID
        self.parentID = parentID
        self.depth = depth
        self.instruction = instruction
        self.content = content
        self.telemetry = telemetry
    }
}

/// One committed step of a world. Never overwritten: retry and undo make branches.
public struct Step: Codable, Sendable, Equatable {
    public var id: Int64
    public var worldID: Int64
    /// nil for an opening step.
    public var parentID: Int64?
    /// 1 for an opening step.
    public var depth: Int
    /// What the reader asked for (empty for the opening and for `continue`).
    public var instruction: String
    public var content: StepContent
    public var telemetry: StepTelemetry
    public var createdAt: Date

    public init(id: Int64, worldID: Int64, parentID: Int64?, depth: Int, instruction: String,
                content: StepContent, telemetry: StepTelemetry, createdAt: Date) {
        self.id = id
        self.worldID = worldID
        self.parentID = parentID
        self.depth = depth
        self.instruction = instruction
        self.content = content
        self.telemetry = telemetry
        self.createdAt = createdAt
    }
}
