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
        let transfer: CurlTransfer
        do {
            transfer = try makeTransfer(request)
        } catch {
            return AsyncThrowingStream { $0.finish(throwing: error) }
        }
        return AsyncThrowingStream { continuation in
            continuation.onTermination = { _ in transfer.cancel() }
            Self.perform(transfer, onEvent: { continuation.yield($0) },
                         onEnd: { continuation.finish(throwing: $0) })
        }
    }

    /// The pieces go to `onContent` straight from the curl driver's thread.
    public func reply(to request: ChatRequest, onContent: @escaping @Sendable (String) -> Void) async throws -> ChatEnding {
        let transfer = try makeTransfer(request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ChatEnding, any Error>) in
                // The callbacks run one after another on the driver's thread.
                var resumed = false
                func resume(_ result: Result<ChatEnding, any Error>) {
                    guard !resumed else { return }
                    resumed = true
                    continuation.resume(with: result)
                }
                Self.perform(transfer, onEvent: { event in
                    switch event {
                    case .content(let piece):
                        onContent(piece)
                    case .finished(let reason, let usage):
                        // The reply is whole: the step goes on without waiting for the body's end.
                        resume(.success(ChatEnding(reason: reason, usage: usage)))
                    }
                }, onEnd: { error in
                    resume(.failure(error ?? ModelError.truncated))
                })
            }
        } onCancel: {
            transfer.cancel()
        }
    }

    private func makeTransfer(_ request: ChatRequest) throws(ModelError) -> CurlTransfer {
        let body: Data
        do {
            body = try requestBody(request)
        } catch {
            throw ModelError.malformed("the reply schema is not JSON")
        }
        let headers = CurlTransfer.jsonHeaders(accept: "text/event-stream", apiKey: configuration.apiKey)
        return CurlTransfer(url: configuration.chatCompletionsURL, headers: headers, body: body, limits: .init(
            connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout,
            firstByteTimeout: configuration.firstByteTimeout, stallTimeout: configuration.stallTimeout,
            maxBytes: configuration.maxReplyBytes))
    }

    /// Starts the transfer; its callbacks, all on the curl driver's thread, one after another,
    /// report each event and then the end (nil: the reply was read whole).
    private static func perform(_ transfer: CurlTransfer, onEvent: @escaping (ChatEvent) -> Void,
                                onEnd: @escaping ((any Error)?) -> Void) {
        var reader = ChatStreamReader()
        var errorBody: [UInt8] = []
        var failure: ModelError?
        transfer.start(onBody: { status, bytes in
            // A cancelled call hands on nothing more, though the driver may still be reading.
            guard !transfer.isCancelled else { return false }
            guard (200..<300).contains(status) else {
                if errorBody.count < 2048 { errorBody.append(contentsOf: bytes.prefix(2048 - errorBody.count)) }
                return true
            }
            do throws(ModelError) {
                for event in try reader.feed(bytes) { onEvent(event) }
                return true
            } catch {
                failure = error
                return false
            }
        }, onEnd: { outcome in
            if let failure { return onEnd(failure) }
            switch outcome {
            case .failed(let error):
                onEnd(error)
            case .completed(let status, let headers) where !(200..<300).contains(status):
                if status == 429 {
                    onEnd(ModelError.rateLimited(retryAfter: headers["retry-after"].flatMap(Double.init)))
                } else {
                    onEnd(ModelError.http(status: status, body: APIErrorBody.message(errorBody)))
                }
            case .completed:
                do {
                    for event in try reader.finish() { onEvent(event) }
                    onEnd(nil)
                } catch {
                    onEnd(error)
                }
            }
        })
    }

    func requestBody(_ request: ChatRequest) throws -> Data {
        try ChatRequestBody.encode(request, configuration: configuration)
    }
}
