import FableCore
import FableLLM
import FableStub
import Foundation
import Testing

let request = ChatRequest(messages: [ChatMessage(.system, "sys"), ChatMessage(.user, "Write, 中文 too.")],
                          schemaName: ReplySchema.name, schema: ReplySchema.json(opening: false))

func client(_ server: StubLLMServer, configure: (inout LLMConfiguration) -> Void = { _ in }) -> OpenAIChatClient {
    var configuration = LLMConfiguration(baseURL: server.url, model: "stub", connectTimeout: 10, firstByteTimeout: 30)
    configure(&configuration)
    return OpenAIChatClient(configuration: configuration)
}

/// Runs the call; returns the text and the finish reason, or throws its ModelError.
func call(_ model: OpenAIChatClient) async throws -> (text: String, pieces: Int, reason: String?, usage: ChatUsage?) {
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
}

func withStub(_ script: @escaping StubScript, _ body: (StubLLMServer) async throws -> Void) async throws {
    let server = try await StubLLMServer.start(script: script)
    do {
        try await body(server)
    } catch {
        await server.stop()
        throw error
    }
    await server.stop()
}

@Suite(.timeLimit(.minutes(1))) struct OpenAIChatClientTests {
    let content = StubStoryteller.reply(number: 1, opening: false) + " 中文 ✓"

    @Test func streamsServerSentEventsAndSendsTheSchema() async throws {
        try await withStub({ _ in .stream(content: self.content, chunkSize: 5) }) { server in
            let result = try await call(client(server))
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

    @Test func readsANonStreamedReply() async throws {
        try await withStub({ _ in .json(content: self.content) }) { server in
            let result = try await call(client(server))
            #expect(result.text == content)
            #expect(result.reason == "stop")
        }
    }

    @Test func sendsTheAPIKey() async throws {
        try await withStub({ _ in .json(content: "{}") }) { server in
            _ = try await call(client(server) { $0.apiKey = "sk-test" })
            #expect(server.requests.count == 1)
        }
    }

    @Test func http500IsATypedError() async throws {
        try await withStub({ _ in .status(500, body: #"{"error":{"message":"model crashed"}}"#) }) { server in
            await #expect(throws: ModelError.http(status: 500, body: "model crashed")) { try await call(client(server)) }
        }
    }

    @Test func http429CarriesRetryAfter() async throws {
        try await withStub({ _ in .status(429, body: "slow down", retryAfter: 7) }) { server in
            await #expect(throws: ModelError.rateLimited(retryAfter: 7)) { try await call(client(server)) }
        }
    }

    @Test func noFirstByteInTimeIsATimeout() async throws {
        try await withStub({ _ in .hang }) { server in
            let started = ContinuousClock.now
            await #expect(throws: ModelError.timedOut(seconds: 1)) {
                try await call(client(server) { $0.firstByteTimeout = 1 })
            }
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test func malformedJSONInTheStream() async throws {
        try await withStub({ _ in .raw("data: {\"choices\": [oops\n\n") }) { server in
            await #expect(throws: ModelError.malformed("a chunk is not the JSON of a chat completion")) {
                try await call(client(server))
            }
        }
    }

    @Test func aStreamCutHalfwayIsTruncated() async throws {
        try await withStub({ _ in .stream(content: self.content, chunkSize: 10, cutAfterChunks: 4) }) { server in
            await #expect(throws: ModelError.truncated) { try await call(client(server)) }
        }
        // A stream that ends cleanly but without [DONE] or a finish reason is cut too.
        try await withStub({ _ in .raw("data: {\"choices\":[{\"delta\":{\"content\":\"{\\\"pas\"}}]}\n\n") }) { server in
            await #expect(throws: ModelError.truncated) { try await call(client(server)) }
        }
    }

    @Test func aReplyPastItsByteCapIsCut() async throws {
        let endless = String(repeating: "la ", count: 20_000)
        try await withStub({ _ in .stream(content: endless, chunkSize: 500) }) { server in
            await #expect(throws: ModelError.tooLarge(bytes: 10_000)) {
                try await call(client(server) { $0.maxReplyBytes = 10_000 })
            }
        }
    }

    @Test func aStreamThatDripsIsCutByTheStallTimeout() async throws {
        let events = String(repeating: "data: {\"choices\":[{\"delta\":{\"content\":\"la \"}}]}\n\n", count: 50)
        try await withStub({ _ in .drip(events, every: .milliseconds(250)) }) { server in
            let started = ContinuousClock.now
            await #expect(throws: ModelError.timedOut(seconds: 2)) {
                try await call(client(server) { $0.stallTimeout = 2 })
            }
            #expect(ContinuousClock.now - started < .seconds(15))
        }
    }

    @Test func nothingListeningIsUnreachable() async throws {
        let server = try await StubLLMServer.start { _ in .hang }
        let url = server.url
        await server.stop()
        let model = OpenAIChatClient(configuration: LLMConfiguration(baseURL: url, connectTimeout: 2))
        await #expect(throws: ModelError.unreachable(url: url + "/chat/completions")) { try await call(model) }
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
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let started = ContinuousClock.now
            _ = try? await task.value
            #expect(ContinuousClock.now - started < .seconds(3))
        }
    }
}
