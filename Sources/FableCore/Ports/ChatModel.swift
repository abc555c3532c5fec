/// One message of a chat-completions request.
public struct ChatMessage: Codable, Sendable, Equatable {
    public enum Role: String, Codable, Sendable {
        case system, user, assistant
    }

    public var role: Role
    public var content: String

    public init(_ role: Role, _ content: String) {
        self.role = role
        self.content = content
    }
}

/// A request for one structured reply.
public struct ChatRequest: Sendable, Equatable {
    public var messages: [ChatMessage]
    /// Name and JSON Schema (as JSON text) of the reply, sent as `response_format`.
    public var schemaName: String
    public var schema: String
    /// nil: the client's configured value.
    public var maxTokens: Int?
    public var temperature: Double?

    public init(messages: [ChatMessage], schemaName: String, schema: String,
                maxTokens: Int? = nil, temperature: Double? = nil) {
        self.messages = messages
        self.schemaName = schemaName
        self.schema = schema
        self.maxTokens = maxTokens
        self.temperature = temperature
    }
}

public struct ChatUsage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// Prompt tokens the server took from its prompt cache (`prompt_tokens_details.cached_tokens`).
    public var cachedPromptTokens: Int?
    /// The server's own account of its time, when it gives one (llama.cpp's `timings`).
    public var serverTimings: ServerTimings?

    public init(promptTokens: Int, completionTokens: Int, cachedPromptTokens: Int? = nil,
                serverTimings: ServerTimings? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cachedPromptTokens = cachedPromptTokens
        self.serverTimings = serverTimings
    }
}

/// How long the model server itself spent on a call: reading the part of the prompt it had
/// not cached, and generating. Fable's own time per step is compared with it.
public struct ServerTimings: Codable, Sendable, Equatable {
    /// Prompt tokens evaluated (not taken from the cache).
    public var promptTokens: Int
    public var promptMilliseconds: Double
    public var generatedTokens: Int
    public var generationMilliseconds: Double

    public init(promptTokens: Int, promptMilliseconds: Double, generatedTokens: Int, generationMilliseconds: Double) {
        self.promptTokens = promptTokens
        self.promptMilliseconds = promptMilliseconds
        self.generatedTokens = generatedTokens
        self.generationMilliseconds = generationMilliseconds
    }
}

/// What a streaming chat call yields.
public enum ChatEvent: Sendable, Equatable {
    /// The next piece of the reply text.
    case content(String)
    /// The reply ended; `reason` is the API's finish_reason (`stop`, `length`…).
    case finished(reason: String?, usage: ChatUsage?)
}

/// How a reply ended: the API's finish_reason (`stop`, `length`…) and the token counts.
public struct ChatEnding: Sendable, Equatable {
    public var reason: String?
    public var usage: ChatUsage?

    public init(reason: String?, usage: ChatUsage?) {
        self.reason = reason
        self.usage = usage
    }
}

/// Any OpenAI-compatible chat endpoint, or a test double.
public protocol ChatModel: Sendable {
    var modelName: String { get }
    /// The sampling settings sent with every call, recorded with each step.
    var temperature: Double? { get }
    var maxTokens: Int? { get }
    /// Streams the reply; ends with `.finished`, or throws a `ModelError`.
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatEvent, any Error>
    /// The reply, each piece of its text handed to `onContent` as it arrives, on whatever
    /// thread receives it: no hop to the caller's task per piece, which under load would cost
    /// a thread wake-up per token. `onContent`
    /// must not block. Returns how the reply ended, or throws a `ModelError`; cancelling the
    /// calling task stops the call.
    func reply(to request: ChatRequest, onContent: @escaping @Sendable (String) -> Void) async throws -> ChatEnding
}

extension ChatModel {
    public var temperature: Double? { nil }
    public var maxTokens: Int? { nil }

    /// For models without a transport of their own (test doubles): the stream, read on the
    /// caller's task.
    public func reply(to request: ChatRequest, onContent: @escaping @Sendable (String) -> Void) async throws -> ChatEnding {
        for try await event in stream(request) {
            switch event {
            case .content(let piece): onContent(piece)
            case .finished(let reason, let usage): return ChatEnding(reason: reason, usage: usage)
            }
        }
        throw ModelError.truncated
    }
}

/// Why a model call failed, typed so callers can say it plainly and decide to retry.
public enum ModelError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing answers at the URL.
    case unreachable(url: String)
    /// No reply, or no first byte, in time.
    case timedOut(seconds: Double)
    case http(status: Int, body: String)
    case rateLimited(retryAfter: Double?)
    /// The stream or reply could not be read.
    case malformed(String)
    /// The stream stopped before the reply was complete.
    case truncated
    /// The reply passed its byte cap.
    case tooLarge(bytes: Int)
    case cancelled

    /// Worth another try after a pause.
    public var isTransient: Bool {
        switch self {
        case .timedOut, .rateLimited, .truncated, .malformed: return true
        case .http(let status, _): return status >= 500
        case .unreachable, .tooLarge, .cancelled: return false
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let url): return "no language model answers at \(url)"
        case .timedOut(let seconds): return "the language model did not answer within \(Int(seconds)) s"
        case .http(let status, let body): return "the language model answered HTTP \(status)\(body.isEmpty ? "" : ": \(body.prefix(200))")"
        case .rateLimited: return "the language model is busy (HTTP 429)"
        case .malformed(let why): return "the language model's reply could not be read (\(why))"
        case .truncated: return "the language model's reply stopped halfway"
        case .tooLarge(let bytes): return "the language model's reply passed \(bytes) bytes"
        case .cancelled: return "the request was cancelled"
        }
    }
}
