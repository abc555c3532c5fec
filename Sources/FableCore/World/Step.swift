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
    /// Facts the reader pinned: always in the prompt, carried to every later step.
    /// Not written by the model.
    public var pins: [String]

    public init(outline: String? = nil, passage: String, memoryChange: String, memory: String,
                indexLine: String, options: [String], pins: [String] = []) {
        self.outline = outline
        self.passage = passage
        self.memoryChange = memoryChange
        self.memory = memory
        self.indexLine = indexLine
        self.options = options
        self.pins = pins
    }
}

/// A step the model wrote, or a revision the reader (or an admin) made to the memory or
/// the pins: a copy of its parent with that one change, so `undo` takes it back like a step.
public enum StepKind: String, Codable, Sendable {
    case story
    case revision
}

/// Exactly what was sent to the model for a step and what came back, for `fable inspect`.
public struct StepTrace: Codable, Sendable, Equatable {
    /// The messages of the accepted attempt (with the corrective note, if there was one).
    public var messages: [ChatMessage]
    /// The raw reply text of the accepted attempt.
    public var reply: String
    public var temperature: Double?
    public var maxTokens: Int?
    /// Every model call of the step, in order: rejected replies and repairs with their reasons.
    public var calls: [ModelCall]

    public init(messages: [ChatMessage], reply: String, temperature: Double? = nil, maxTokens: Int? = nil,
                calls: [ModelCall] = []) {
        self.messages = messages
        self.reply = reply
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.calls = calls
    }

    enum CodingKeys: String, CodingKey { case messages, reply, temperature, maxTokens, calls }

    /// Archives written before calls were kept have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messages = try container.decode([ChatMessage].self, forKey: .messages)
        reply = try container.decode(String.self, forKey: .reply)
        temperature = try container.decodeIfPresent(Double.self, forKey: .temperature)
        maxTokens = try container.decodeIfPresent(Int.self, forKey: .maxTokens)
        calls = try container.decodeIfPresent([ModelCall].self, forKey: .calls) ?? []
    }
}

/// One call to the model during a step: what it was for, why its reply was not used as it
/// was, and what it cost. Kept in the trace for `inspect` and the benchmarks.
public struct ModelCall: Codable, Sendable, Equatable {
    public enum Purpose: String, Codable, Sendable {
        /// The whole reply, its passage streamed to the reader.
        case write
        /// Only the fields named, after a reply whose passage was kept.
        case repair
    }

    public var purpose: Purpose
    /// The fields asked for by a repair.
    public var fields: [ReplyField]?
    /// Why the reply was not used whole (the validator's words, or the transport's failure);
    /// nil for a reply that was used whole.
    public var problem: String?
    /// The reply text, for a call whose reply is not the trace's `reply`.
    public var reply: String?
    public var promptTokens: Int?
    public var cachedPromptTokens: Int?
    public var completionTokens: Int?
    public var server: ServerTimings?
    /// From the request to the reply's end, as Fable saw it.
    public var milliseconds: Int
    /// From the request to the first passage text, for a call that streamed some.
    public var firstPassageMilliseconds: Int?

    public init(purpose: Purpose, fields: [ReplyField]? = nil, problem: String? = nil, reply: String? = nil,
                usage: ChatUsage? = nil, milliseconds: Int, firstPassageMilliseconds: Int? = nil) {
        self.purpose = purpose
        self.fields = fields
        self.problem = problem
        self.reply = reply
        promptTokens = usage?.promptTokens
        cachedPromptTokens = usage?.cachedPromptTokens
        completionTokens = usage?.completionTokens
        server = usage?.serverTimings
        self.milliseconds = milliseconds
        self.firstPassageMilliseconds = firstPassageMilliseconds
    }
}

/// How a step was made: kept for inspection and benchmarks.
public struct StepTelemetry: Codable, Sendable, Equatable {
    public var model: String
    /// The accepted reply's prompt.
    public var promptTokens: Int
    /// Every call of the step: rewrites and repairs count too.
    public var completionTokens: Int
    public var promptCharacters: Int
    public var latencyMilliseconds: Int
    /// From the start of the step to the first passage text the reader saw.
    public var firstPassageMilliseconds: Int?
    /// Model calls, repairs and failed tries included.
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
    public var kind: StepKind
    public var trace: StepTrace?

    public init(worldID: Int64, parentID: Int64?, depth: Int, instruction: String,
                content: StepContent, telemetry: StepTelemetry, kind: StepKind = .story, trace: StepTrace? = nil) {
        self.worldID = worldID
        self.parentID = parentID
        self.depth = depth
        self.instruction = instruction
        self.content = content
        self.telemetry = telemetry
        self.kind = kind
        self.trace = trace
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
    public var kind: StepKind
    public var createdAt: Date

    public init(id: Int64, worldID: Int64, parentID: Int64?, depth: Int, instruction: String,
                content: StepContent, telemetry: StepTelemetry, kind: StepKind = .story, createdAt: Date) {
        self.id = id
        self.worldID = worldID
        self.parentID = parentID
        self.depth = depth
        self.instruction = instruction
        self.content = content
        self.telemetry = telemetry
        self.kind = kind
        self.createdAt = createdAt
    }
}
