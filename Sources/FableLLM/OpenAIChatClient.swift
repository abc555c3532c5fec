import FableCore
import Foundation

/// A `ChatModel` for any OpenAI-compatible chat-completions endpoint, streamed over libcurl.
/// Each call runs on a thread of its own, since libcurl's easy interface blocks.
public struct OpenAIChatClient: ChatModel {
    public let configuration: LLMConfiguration

    public init(configuration: LLMConfiguration) {
        self.configuration = configuration
    }

    public var modelName: String { configuration.model }
    public var temperature: Double? { configuration.temperature }
    public var maxTokens: Int? { configuration.maxTokens }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatEvent, any Error> {
        let body: Data
        do {
            body = try requestBody(request)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: ModelError.malformed("the reply schema is not JSON")) }
        }
        let headers = CurlTransfer.jsonHeaders(accept: "text/event-stream", apiKey: configuration.apiKey)
        let transfer = CurlTransfer(url: configuration.chatCompletionsURL, headers: headers, body: body, limits: .init(
            connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout,
            firstByteTimeout: configuration.firstByteTimeout, stallTimeout: configuration.stallTimeout,
            maxBytes: configuration.maxReplyBytes))
        return AsyncThrowingStream { continuation in
            continuation.onTermination = { _ in transfer.cancel() }
            Thread.detachNewThread {
                Self.perform(transfer, into: continuation)
            }
        }
    }

    private static func perform(_ transfer: CurlTransfer,
                                into continuation: AsyncThrowingStream<ChatEvent, any Error>.Continuation) {
        var reader = ChatStreamReader()
        var errorBody: [UInt8] = []
        var failure: ModelError?
        let outcome = transfer.run { status, bytes in
            guard (200..<300).contains(status) else {
                if errorBody.count < 2048 { errorBody.append(contentsOf: bytes.prefix(2048 - errorBody.count)) }
                return true
            }
            do throws(ModelError) {
                for event in try reader.feed(bytes) { continuation.yield(event) }
                return true
            } catch {
                failure = error
                return false
            }
        }
        if let failure { return continuation.finish(throwing: failure) }
        switch outcome {
        case .failed(let error):
            continuation.finish(throwing: error)
        case .completed(let status, let headers) where !(200..<300).contains(status):
            if status == 429 {
                continuation.finish(throwing: ModelError.rateLimited(retryAfter: headers["retry-after"].flatMap(Double.init)))
            } else {
                continuation.finish(throwing: ModelError.http(status: status, body: APIErrorBody.message(errorBody)))
            }
        case .completed:
            do {
                for event in try reader.finish() { continuation.yield(event) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }

    func requestBody(_ request: ChatRequest) throws -> Data {
        let schema = try JSONSerialization.jsonObject(with: Data(request.schema.utf8))
        var body: [String: Any] = [
            "model": configuration.model,
            "messages": request.messages.map { ["role": $0.role.rawValue, "content": $0.content] },
            "stream": true,
            "stream_options": ["include_usage": true],
            "max_tokens": request.maxTokens ?? configuration.maxTokens,
            "temperature": request.temperature ?? configuration.temperature,
            "response_format": [
                "type": "json_schema",
                "json_schema": ["name": request.schemaName, "strict": true, "schema": schema] as [String: Any],
            ] as [String: Any],
        ]
        if let penalty = configuration.repeatPenalty { body["repeat_penalty"] = penalty }
        return try JSONSerialization.data(withJSONObject: body)
    }
}
