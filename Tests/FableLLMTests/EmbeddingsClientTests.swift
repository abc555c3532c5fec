import FableCore
import FableLLM
import FableStub
import Foundation
import Synchronization
import Testing

/// Every embeddings request body the stub received.
private final class BodyLog: Sendable {
    private let bodies = Mutex<[StubEmbeddingsRequest]>([])
    func append(_ body: Data) { if let request = StubEmbeddingsRequest(body: body) { bodies.withLock { $0.append(request) } } }
    var all: [StubEmbeddingsRequest] { bodies.withLock { $0 } }
}

/// A stub server whose chat path is never used; `embeddings` answers `POST …/embeddings`.
private func withEmbeddingsStub(_ embeddings: @escaping StubEmbeddingsScript = StubEmbeddings.reply,
                                _ body: (StubLLMServer) async throws -> Void) async throws {
    try await StubLLMServer.serving(script: { _ in .status(404) }, embeddings: embeddings, body)
}

private func embeddingsClient(_ url: String, model: String = "multilingual-e5-small",
                              configure: (inout EmbeddingsConfiguration) -> Void = { _ in }) -> OpenAIEmbeddingsClient {
    // No test here is about time-outs: a generous one, since a loaded CI machine can take
    // seconds to answer from the in-process stub while every suite starts at once.
    var configuration = EmbeddingsConfiguration(baseURL: url, model: model, requestTimeout: 30, connectTimeout: 10)
    configure(&configuration)
    return OpenAIEmbeddingsClient(configuration: configuration)
}

@Suite(.timeLimit(.minutes(1))) struct EmbeddingsClientTests {
    @Test func embedsThroughTheStubInOrderAndNormalised() async throws {
        let log = BodyLog()
        try await withEmbeddingsStub({ body in log.append(body); return StubEmbeddings.reply(to: body) }) { server in
            let client = embeddingsClient(server.url)
            let texts = ["The silver key is hidden.", "Keys hide under stairs.", "中文 ✓"]
            let vectors = try await client.embed(texts)
            #expect(vectors.count == 3)
            for (text, vector) in zip(texts, vectors) {
                #expect(vector.count == StubEmbeddings.dimensions)
                #expect(abs(VectorMath.dot(vector, vector) - 1) < 1e-5)
                #expect(abs(VectorMath.dot(vector, StubEmbeddings.vector(text)) - 1) < 1e-5)
            }
            let query = try await client.embedQueries(["Where is the key?"])
            #expect(query.count == 1)
            #expect(try await client.embed([]).isEmpty)
            // E5: the server is told which side each text is on; the text itself goes as it is.
            let sent = log.all
            #expect(sent.count == 2, "no request for an empty list")
            #expect(sent[0].model == "multilingual-e5-small" && sent[0].input == texts && sent[0].inputType == "passage")
            #expect(sent[1].input == ["Where is the key?"] && sent[1].inputType == "query")
        }
    }

    @Test func marksQueriesAsConfigured() async throws {
        let log = BodyLog()
        try await withEmbeddingsStub({ body in log.append(body); return StubEmbeddings.reply(to: body) }) { server in
            _ = try await embeddingsClient(server.url, model: "text-embedding-3-small").embedQueries(["a"])
            _ = try await embeddingsClient(server.url, configure: { $0.marking = .text }).embedQueries(["b"])
            _ = try await embeddingsClient(server.url, configure: { $0.marking = .text }).embed(["c"])
            _ = try await embeddingsClient(server.url, configure: { $0.marking = .none }).embed(["d"])
            let sent = log.all
            #expect(sent.map(\.input) == [["a"], ["query: b"], ["passage: c"], ["d"]])
            #expect(sent.allSatisfy { $0.inputType == nil })
        }
    }

    @Test func sendsLongListsInBatchesAndKeepsTheOrder() async throws {
        let log = BodyLog()
        try await withEmbeddingsStub({ body in log.append(body); return StubEmbeddings.reply(to: body) }) { server in
            let client = embeddingsClient(server.url) { $0.batchSize = 2 }
            let texts = ["one", "two", "three", "four", "five"]
            let vectors = try await client.embed(texts)
            #expect(log.all.map(\.input.count) == [2, 2, 1])
            for (text, vector) in zip(texts, vectors) {
                #expect(abs(VectorMath.dot(vector, StubEmbeddings.vector(text)) - 1) < 1e-5)
            }
        }
    }

    @Test func ordersByIndexAndNormalises() async throws {
        let reply = #"{"object":"list","data":[{"index":1,"embedding":[0,2]},{"index":0,"embedding":[3,4]}]}"#
        try await withEmbeddingsStub({ _ in .raw(reply, contentType: "application/json") }) { server in
            let vectors = try await embeddingsClient(server.url).embed(["first", "second"])
            #expect(vectors.count == 2)
            #expect(abs(vectors[0][0] - 0.6) < 1e-6 && abs(vectors[0][1] - 0.8) < 1e-6)
            #expect(vectors[1] == [0, 1])
        }
    }

    @Test func readsBase64Vectors() async throws {
        var bytes = Data()
        for value: Float in [0, 0, 5] { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        let reply = #"{"data":[{"index":0,"embedding":"\#(bytes.base64EncodedString())"}]}"#
        try await withEmbeddingsStub({ _ in .raw(reply, contentType: "application/json") }) { server in
            let vectors = try await embeddingsClient(server.url).embed(["x"])
            #expect(vectors == [[0, 0, 1]])
        }
    }

    @Test func anHTTPErrorIsAModelError() async throws {
        try await withEmbeddingsStub({ _ in .status(500, body: #"{"error":{"message":"inference failed"}}"#) }) { server in
            await #expect(throws: ModelError.http(status: 500, body: "inference failed")) {
                try await embeddingsClient(server.url).embed(["x"])
            }
        }
        try await withEmbeddingsStub({ _ in .status(429, retryAfter: 2) }) { server in
            await #expect(throws: ModelError.rateLimited(retryAfter: 2)) {
                try await embeddingsClient(server.url).embed(["x"])
            }
        }
    }

    @Test func aReplyThatDoesNotFitIsMalformed() async throws {
        let replies = [
            "not json",
            #"{"data":[]}"#,                                                              // too few
            #"{"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[1]}]}"#,       // one index twice
            #"{"data":[{"index":0,"embedding":[1,0]},{"index":1,"embedding":[1]}]}"#,     // sizes differ
            #"{"data":[{"index":0,"embedding":[0,0]},{"index":1,"embedding":[1,0]}]}"#,   // a zero vector
        ]
        for reply in replies {
            try await withEmbeddingsStub({ _ in .raw(reply, contentType: "application/json") }) { server in
                let error = await #expect(throws: ModelError.self) {
                    try await embeddingsClient(server.url).embed(["a", "b"])
                }
                guard case .malformed? = error else {
                    Issue.record("\(reply): \(String(describing: error)), not malformed")
                    return
                }
            }
        }
    }

    @Test func nothingListeningIsUnreachable() async throws {
        // Bind a port, then close it: nothing answers there.
        let server = try await StubLLMServer.start(script: { _ in .status(404) })
        let url = server.url
        await server.stop()
        await #expect(throws: ModelError.unreachable(url: url + "/embeddings")) {
            try await embeddingsClient(url).embed(["x"])
        }
    }

    @Test func theChatPathIsUnchanged() async throws {
        // A chat request to the same stub still reaches the chat script.
        try await StubLLMServer.serving(script: { _ in .json(content: "hello") }) { server in
            let chat = OpenAIChatClient(configuration: LLMConfiguration(baseURL: server.url, model: "stub"))
            var text = ""
            for try await event in chat.stream(ChatRequest(messages: [ChatMessage(.user, "hi")], schemaName: "s", schema: "{}")) {
                if case .content(let piece) = event { text += piece }
            }
            #expect(text == "hello")
            #expect(server.requests.count == 1)
            _ = try await embeddingsClient(server.url).embed(["x"])
            #expect(server.requests.count == 1, "embeddings requests are not chat requests")
        }
    }

    @Test func aQuerysTwoViewsAndTheHalvesOfABatchGoToTwoServersAtOnce() async throws {
        let (first, second) = (BodyLog(), BodyLog())
        try await withEmbeddingsStub({ body in first.append(body); return StubEmbeddings.reply(to: body) }) { one in
            try await withEmbeddingsStub({ body in second.append(body); return StubEmbeddings.reply(to: body) }) { two in
                let client = embeddingsClient(one.url + ", " + two.url)
                async let asQuery = client.embedQueries(["Where is the key?"])
                async let asPassage = client.embed(["Where is the key?"])
                _ = try await (asQuery, asPassage)
                #expect(first.all.count == 1 && second.all.count == 1, "one view a server")

                let texts = (1...10).map { "Sentence number \($0) of the passage." }
                let vectors = try await client.embed(texts)
                #expect(zip(texts, vectors).allSatisfy { abs(VectorMath.dot($1, StubEmbeddings.vector($0)) - 1) < 1e-5 },
                        "in order")
                let halves = (first.all.dropFirst() + second.all.dropFirst()).map(\.input)
                #expect(halves.count == 2 && Set(halves) == [Array(texts[..<5]), Array(texts[5...])])
            }
        }
    }

    @Test func aServerThatRefusesConnectionsIsPassedOverForTheNext() async throws {
        let gone = try await StubLLMServer.start(script: { _ in .status(404) })
        let goneURL = gone.url
        await gone.stop()
        let log = BodyLog()
        try await withEmbeddingsStub({ body in log.append(body); return StubEmbeddings.reply(to: body) }) { server in
            let client = embeddingsClient(goneURL + "," + server.url)
            for text in ["a lantern", "a bell", "a door"] {
                let vectors = try await client.embed([text])
                #expect(vectors.count == 1)
            }
            #expect(log.all.count == 3)
        }
        await #expect(throws: ModelError.self) { try await embeddingsClient(goneURL).embed(["a lantern"]) }
    }
}
