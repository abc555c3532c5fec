import FableCore
import Synchronization

/// An in-process `ChatModel` that answers from a script, for engine tests that need
/// no HTTP. The script gets the request and the call's number (1-based).
public final class ScriptedChatModel: ChatModel {
    public typealias Script = @Sendable (ChatRequest, Int) throws -> String

    private let script: Script
    private let calls = Mutex<[ChatRequest]>([])
    public let modelName = "scripted"
    /// The prompt tokens each reply reports, as a server counts them; nil: no usage reported.
    private let promptTokens: (@Sendable (ChatRequest) -> Int)?

    public init(promptTokens: (@Sendable (ChatRequest) -> Int)? = nil, _ script: @escaping Script) {
        self.script = script
        self.promptTokens = promptTokens
    }

    /// Answers with the `StubStoryteller`'s replies, planting `planted[n]` in reply n and
    /// offering `options[n]` in it.
    public convenience init(planted: [Int: String] = [:], options: [Int: [String]] = [:]) {
        let storyteller = StubStoryteller(planted: planted, options: options)
        self.init { request, _ in
            storyteller.nextReply(opening: request.schema.contains("\"outline\""))
        }
    }

    /// Every request so far, oldest first.
    public var requests: [ChatRequest] { calls.withLock { $0 } }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<ChatEvent, any Error> {
        let number = calls.withLock { calls in
            calls.append(request)
            return calls.count
        }
        return AsyncThrowingStream { continuation in
            do {
                let text = try script(request, number)
                // Three pieces, so consumers see a real stream.
                let third = max(1, text.count / 3)
                var rest = Substring(text)
                while !rest.isEmpty {
                    continuation.yield(.content(String(rest.prefix(third))))
                    rest = rest.dropFirst(third)
                }
                let usage = promptTokens.map { count in
                    ChatUsage(promptTokens: count(request), completionTokens: TextMeasure.tokens(text))
                }
                continuation.yield(.finished(reason: "stop", usage: usage))
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
    }
}
