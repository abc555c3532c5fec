import FableCore
import FableLLM
import FableStub
import Foundation
import Synchronization
import Testing

let request = ChatRequest(messages: [ChatMessage(.system, "sys"), ChatMessage(.user, "Write, 中文 too.")],
                          schemaName: ReplySchema.name, schema: ReplySchema.json(opening: false))

func client(_ server: StubLLMServer, configure: (inout LLMConfiguration) -> Void = { _ in }) -> OpenAIChatClient {
    var configuration = LLMConfiguration(baseURL: server.url, model: "stub", connectTimeout: 10, firstByteTimeout: 30)
    configure(&configuration)
    return OpenAIChatClient(configuration: configuration)
}

/// The two ways to call the client: the event stream, and `reply(to:onContent:)` (the
/// engine's, whose pieces come on the driver's thread).
enum CallForm: CaseIterable, Sendable {
    case stream, reply
}

/// Runs the call; returns the text and the finish reason, or throws its ModelError.
func call(_ model: OpenAIChatClient, _ form: CallForm = .stream) async throws
    -> (text: String, pieces: Int, reason: String?, usage: ChatUsage?) {
    switch form {
    case .stream:
        var text = ""
        var pieces = 0
        for try await event in model.stream(request) {
            switch event {
            case .content(let piece):
                text += piece
                pieces += 1
            case .finished(let reason, let usage):
                return (text, pieces, reason, usage)
            }
        }
        throw ModelError.truncated
    case .reply:
        let received = Mutex<[String]>([])
        let ending = try await model.reply(to: request) { piece in received.withLock { $0.append(piece) } }
        let pieces = received.withLock { $0 }
        return (pieces.joined(), pieces.count, ending.reason, ending.usage)
    }
}

func withStub(_ script: @escaping StubScript, _ body: (StubLLMServer) async throws -> Void) async throws {
    try await StubLLMServer.serving(script: script, body)
}

@Suite(.timeLimit(.minutes(1))) struct OpenAIChatClientTests {
    let content = StubStoryteller.reply(number: 1, opening: false) + " 中文 ✓"

    @Test(arguments: CallForm.allCases) func streamsServerSentEventsAndSendsTheSchema(_ form: CallForm) async throws {
        try await withStub({ _ in .stream(content: self.content, chunkSize: 5) }) { server in
            let result = try await call(client(server), form)
            #expect(result.text == content)
            #expect(result.pieces > 20)
            #expect(result.reason == "stop")
            #expect(result.usage != nil)
            let sent = try #require(server.requests.first)
            #expect(sent.stream && sent.hasSchema)
            #expect(sent.messages.last?.content == "Write, 中文 too.")
            #expect(sent.maxTokens == LLMConfiguration().maxTokens)
        }
    }

    @Test(arguments: CallForm.allCases) func readsANonStreamedReply(_ form: CallForm) async throws {
        try await withStub({ _ in .json(content: self.content) }) { server in
            let result = try await call(client(server), form)
            #expect(result.text == content)
            #expect(result.reason == "stop")
        }
    }

    @Test(arguments: CallForm.allCases) func sendsTheAPIKey(_ form: CallForm) async throws {
        try await withStub({ _ in .json(content: "{}") }) { server in
            _ = try await call(client(server) { $0.apiKey = "sk-test" }, form)
            _ = try await call(client(server), form)
            let sent = server.requests
            try #require(sent.count == 2)
            #expect(sent[0].headers["authorization"] == "Bearer sk-test")
            #expect(sent[1].headers["authorization"] == nil, "no key, no header")
        }
    }

    @Test(arguments: CallForm.allCases) func http500IsATypedError(_ form: CallForm) async throws {
        try await withStub({ _ in .status(500, body: #"{"error":{"message":"model crashed"}}"#) }) { server in
            await #expect(throws: ModelError.http(status: 500, body: "model crashed")) { try await call(client(server), form) }
        }
    }

    @Test(arguments: CallForm.allCases) func http429CarriesRetryAfter(_ form: CallForm) async throws {
        try await withStub({ _ in .status(429, body: "slow down", retryAfter: 7) }) { server in
            await #expect(throws: ModelError.rateLimited(retryAfter: 7)) { try await call(client(server), form) }
        }
    }

    @Test(arguments: CallForm.allCases) func noFirstByteInTimeIsATimeout(_ form: CallForm) async throws {
        try await withStub({ _ in .hang }) { server in
            let started = ContinuousClock.now
            await #expect(throws: ModelError.timedOut(seconds: 1)) {
                try await call(client(server) { $0.firstByteTimeout = 1 }, form)
            }
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test(arguments: CallForm.allCases) func malformedJSONInTheStream(_ form: CallForm) async throws {
        try await withStub({ _ in .raw("data: {\"choices\": [oops\n\n") }) { server in
            await #expect(throws: ModelError.malformed("a chunk is not the JSON of a chat completion")) {
                try await call(client(server), form)
            }
        }
    }

    @Test(arguments: CallForm.allCases) func aStreamCutHalfwayIsTruncated(_ form: CallForm) async throws {
        try await withStub({ _ in .stream(content: self.content, chunkSize: 10, cutAfterChunks: 4) }) { server in
            await #expect(throws: ModelError.truncated) { try await call(client(server), form) }
        }
        // A stream that ends cleanly but without [DONE] or a finish reason is cut too.
        try await withStub({ _ in .raw("data: {\"choices\":[{\"delta\":{\"content\":\"{\\\"pas\"}}]}\n\n") }) { server in
            await #expect(throws: ModelError.truncated) { try await call(client(server), form) }
        }
    }

    @Test(arguments: CallForm.allCases) func aReplyPastItsByteCapIsCut(_ form: CallForm) async throws {
        let endless = String(repeating: "la ", count: 20_000)
        try await withStub({ _ in .stream(content: endless, chunkSize: 500) }) { server in
            await #expect(throws: ModelError.tooLarge(bytes: 10_000)) {
                try await call(client(server) { $0.maxReplyBytes = 10_000 }, form)
            }
        }
    }

    @Test(arguments: CallForm.allCases) func aStreamThatDripsIsCutByTheStallTimeout(_ form: CallForm) async throws {
        let events = String(repeating: "data: {\"choices\":[{\"delta\":{\"content\":\"la \"}}]}\n\n", count: 50)
        try await withStub({ _ in .drip(events, every: .milliseconds(250)) }) { server in
            let started = ContinuousClock.now
            await #expect(throws: ModelError.timedOut(seconds: 2)) {
                try await call(client(server) { $0.stallTimeout = 2 }, form)
            }
            #expect(ContinuousClock.now - started < .seconds(15))
        }
    }

    @Test(arguments: CallForm.allCases) func nothingListeningIsUnreachable(_ form: CallForm) async throws {
        let server = try await StubLLMServer.start { _ in .hang }
        let url = server.url
        await server.stop()
        let model = OpenAIChatClient(configuration: LLMConfiguration(baseURL: url, connectTimeout: 2))
        await #expect(throws: ModelError.unreachable(url: url + "/chat/completions")) { try await call(model, form) }
    }

    /// The transfers share a few driver threads and their kept-alive connections: each stream
    /// must still get its own reply, whole, and a cancelled one must not disturb the others.
    @Test func manyStreamsAtOnceEachGetTheirOwnReply() async throws {
        let script: StubScript = { request in
            let asked = request.messages.last?.content ?? "?"
            return .stream(content: String(repeating: "[\(asked)] ", count: 30), chunkSize: 3, chunkDelay: .milliseconds(2))
        }
        try await withStub(script) { server in
            let model = client(server)
            func ask(_ text: String) async throws -> String {
                let single = ChatRequest(messages: [ChatMessage(.user, text)], schemaName: "s", schema: request.schema)
                var reply = ""
                for try await event in model.stream(single) {
                    if case .content(let piece) = event { reply += piece }
                }
                return reply
            }
            for round in 0..<2 {
                let cancelled = Task { try await ask("cancelled \(round)") }
                try await withThrowingTaskGroup(of: (String, String).self) { group in
                    for index in 0..<40 {
                        let text = "reader \(round)-\(index)"
                        group.addTask { (text, try await ask(text)) }
                    }
                    cancelled.cancel()
                    for try await (asked, reply) in group {
                        #expect(reply == String(repeating: "[\(asked)] ", count: 30))
                    }
                }
            }
            #expect(server.requests.count >= 80)
        }
    }

    /// A reply is whole at [DONE]: the call does not wait for the rest of the body.
    @Test(arguments: CallForm.allCases) func aReplyEndsAtDoneThoughTheBodyGoesOn(_ form: CallForm) async throws {
        let whole = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: [DONE]\n\n"
        // The reply at once, then 40 more bytes, one every 150 ms: the body lasts at least 6 s.
        try await withStub({ _ in .drip(String(repeating: "\n", count: 40), every: .milliseconds(150), first: whole) }) { server in
            let started = ContinuousClock.now
            let result = try await call(client(server), form)
            #expect(result.text == "hi" && result.reason == "stop")
            #expect(ContinuousClock.now - started < .seconds(4))
        }
    }

    @Test func cancellingAReplyEndsItAndNoPieceComesAfter() async throws {
        try await withStub({ _ in .stream(content: self.content, chunkSize: 4, chunkDelay: .milliseconds(50)) }) { server in
            let model = client(server)
            let received = Mutex(0)
            let task = Task { try await model.reply(to: request) { _ in received.withLock { $0 += 1 } } }
            while received.withLock({ $0 }) < 3 { try await Task.sleep(for: .milliseconds(20)) }
            task.cancel()
            let started = ContinuousClock.now
            await #expect(throws: ModelError.cancelled) { try await task.value }
            #expect(ContinuousClock.now - started < .seconds(3))
            let atEnd = received.withLock { $0 }
            #expect(atEnd > 0)
            try await Task.sleep(for: .milliseconds(300))
            #expect(received.withLock { $0 } == atEnd, "no piece arrives once the call has ended")
        }
    }

    @Test func cancellingTheConsumerStopsTheTransfer() async throws {
        try await withStub({ _ in .stream(content: self.content, chunkSize: 4, chunkDelay: .milliseconds(50)) }) { server in
            let model = client(server)
            let task = Task {
                var pieces = 0
                for try await event in model.stream(request) {
                    if case .content = event { pieces += 1 }
                }
                return pieces
            }
            // Cancel once the stream is under way (on a busy machine the request can take a while to arrive).
            let asked = ContinuousClock.now
            while server.streams.started == 0, ContinuousClock.now - asked < .seconds(20) {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            let started = ContinuousClock.now
            _ = try? await task.value
            #expect(ContinuousClock.now - started < .seconds(3))
            // The stub writes a chunk every 50 ms, so the whole reply takes it many seconds:
            // it sees the stream end sooner only if the client closed the connection.
            while server.streams.open > 0, ContinuousClock.now - started < .seconds(20) {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(server.streams == StreamTally(started: 1, finished: 0, aborted: 1))
        }
    }
}
