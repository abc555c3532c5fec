import FableCore
import Foundation

/// A `ChatModel` for any OpenAI-compatible chat-completions endpoint, streamed over libcurl.
/// Every call's transfer runs on one of the `CurlDriver` threads (libcurl's multi socket interface).
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
            Self.perform(transfer, into: continuation)
        }
    }

    /// Starts the transfer; its callbacks (all on the curl driver's thread) feed the stream.
    private static func perform(_ transfer: CurlTransfer,
                                into continuation: AsyncThrowingStream<ChatEvent, any Error>.Continuation) {
        var reader = ChatStreamReader()
        var errorBody: [UInt8] = []
        var failure: ModelError?
        transfer.start(onBody: { status, bytes in
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
        }, onEnd: { outcome in
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
        })
    }

    func requestBody(_ request: ChatRequest) throws -> Data {
        try ChatRequestBody.encode(request, configuration: configuration)
    }
}
