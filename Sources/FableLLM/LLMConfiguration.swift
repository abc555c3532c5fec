import Foundation

/// Where the model is and how to talk to it.
public struct LLMConfiguration: Sendable, Equatable {
    /// The OpenAI-compatible base URL, ending in `/v1`.
    public var baseURL: String
    public var model: String
    public var apiKey: String?
    public var temperature: Double
    public var maxTokens: Int
    /// Hard cap on one call, from the request to the last byte.
    public var requestTimeout: Double
    public var connectTimeout: Double
    /// How long to wait for the first byte of the reply.
    public var firstByteTimeout: Double
    /// A stream that sends nothing for this long is cut.
    public var stallTimeout: Double
    /// Bytes on the wire (server-sent events, ~150 bytes a token) past which a reply is cut.
    public var maxReplyBytes: Int
    /// llama.cpp's `repeat_penalty` (not an OpenAI field: sent only when set). 1.1 stops
    /// SmolLM2 looping inside a string until `max_tokens`.
    public var repeatPenalty: Double?
    /// What serves the API, for the fields and schema keywords only some servers read.
    public var server: ModelServer

    /// The local model server that `scripts/llm start` runs.
    public static let localURL = "http://127.0.0.1:8411/v1"

    public init(baseURL: String = LLMConfiguration.localURL, model: String = "smollm2", apiKey: String? = nil,
                temperature: Double = 0.8, maxTokens: Int = 2400, requestTimeout: Double = 180,
                connectTimeout: Double = 5, firstByteTimeout: Double = 60, stallTimeout: Double = 30,
                maxReplyBytes: Int = 4 * 1024 * 1024, repeatPenalty: Double? = nil,
                server: ModelServer = .openAICompatible) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.firstByteTimeout = firstByteTimeout
        self.stallTimeout = stallTimeout
        self.maxReplyBytes = maxReplyBytes
        self.repeatPenalty = repeatPenalty
        self.server = server
    }

    /// The `repeat_penalty` a server gets unless one is set: llama.cpp reads it, and the small
    /// local models it runs loop inside a string without it. Other APIs have no such field.
    public static func defaultRepeatPenalty(for server: ModelServer) -> Double? {
        server == .llamaCpp ? 1.1 : nil
    }

    var chatCompletionsURL: String {
        APIEndpoint.url(baseURL, "chat/completions")
    }
}
