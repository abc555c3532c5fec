import FableCore
import Foundation

/// What the stub does with one request: a well-formed reply or a scripted fault.
public enum StubReply: Sendable {
    /// Streams `content` as server-sent events, `chunkSize` characters a chunk: the first after
    /// `firstChunkDelay`, chunk k at k × `chunkDelay` after it (a late write does not delay the
    /// rest). `cutAfterChunks` drops the connection after that many chunks (a stream that stops
    /// halfway). `watcher` is told as each chunk is written and when the stream ends.
    case stream(content: String, chunkSize: Int = 16, firstChunkDelay: Duration = .zero,
                chunkDelay: Duration = .zero, finishReason: String = "stop", cutAfterChunks: Int? = nil,
                watcher: (any StreamWatcher)? = nil)
    /// One non-streamed chat completion.
    case json(content: String, finishReason: String = "stop")
    /// An HTTP error, e.g. 500, or 429 with a Retry-After header.
    case status(Int, body: String = "", retryAfter: Int? = nil)
    /// A 200 with this exact body, e.g. malformed server-sent events.
    case raw(String, contentType: String = "text/event-stream")
    /// Never answers; the client must time out.
    case hang
    /// A 200 whose body arrives one byte every `every`: a server that is alive but useless.
    /// `first` is sent at once before the drip.
    case drip(String, every: Duration, first: String = "")
}

/// One request the stub received, decoded.
public struct StubRequest: Sendable {
    public var messages: [ChatMessage]
    public var stream: Bool
    public var maxTokens: Int?
    public var hasSchema: Bool
    public var body: Data
    /// The request's headers, by lowercased name (the last of a repeated one).
    public var headers: [String: String]

    /// The reply schema has an outline: the opening step.
    public var asksForOutline: Bool { String(decoding: body, as: UTF8.self).contains(#""outline""#) }

    /// All message text, joined: what a test searches for planted facts.
    public var promptText: String { messages.map(\.content).joined(separator: "\n") }

    init(body: Data, headers: [String: String] = [:]) {
        struct Shape: Decodable {
            struct Format: Decodable { var type: String? }
            var messages: [ChatMessage]?
            var stream: Bool?
            var max_tokens: Int?
            var response_format: Format?
        }
        let shape = try? JSONDecoder().decode(Shape.self, from: body)
        messages = shape?.messages ?? []
        stream = shape?.stream ?? false
        maxTokens = shape?.max_tokens
        hasSchema = shape?.response_format?.type == "json_schema"
        self.body = body
        self.headers = headers
    }
}

public typealias StubScript = @Sendable (StubRequest) async -> StubReply
