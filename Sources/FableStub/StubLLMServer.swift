import FableCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A scripted OpenAI-compatible chat-completions server on 127.0.0.1, for tests, fault
/// injection, `fable stub` and `fable load` (paced: `PacedStoryteller`). Every request is
/// answered by the script.
public final class StubLLMServer: Sendable {
    public let port: Int
    private let task: Task<Void, Never>
    private let log: RequestLog

    public var url: String { "http://127.0.0.1:\(port)/v1" }

    /// The requests received so far, oldest first.
    public var requests: [StubRequest] { log.all }

    /// What became of the streamed replies so far.
    public var streams: StreamTally { log.streams }

    private init(port: Int, task: Task<Void, Never>, log: RequestLog) {
        self.port = port
        self.task = task
        self.log = log
    }

    /// Starts listening (port 0: any free port) and returns once the socket is bound.
    /// Requests whose path ends in `/embeddings` go to `embeddings`, the rest to `script`.
    /// `keepsRequests` false: `requests` stays empty, so a long load run's prompts are not kept.
    public static func start(host: String = "127.0.0.1", port: Int = 0, script: @escaping StubScript,
                             embeddings: @escaping StubEmbeddingsScript = StubEmbeddings.reply,
                             keepsRequests: Bool = true) async throws -> StubLLMServer {
        // Hundreds of readers' steps may connect at once; and each server-sent event leaves
        // at once, not held back to share a packet with the next.
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 1024)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: channel)
                }
            }
        let boundPort = server.channel.localAddress?.port ?? port
        let log = RequestLog(keepsRequests: keepsRequests)
        let task = Task<Void, Never> {
            _ = try? await withThrowingDiscardingTaskGroup { group in
                try await withTaskCancellationHandler {
                    try await server.executeThenClose { connections in
                        for try await connection in connections {
                            group.addTask { await serve(connection, script: script, embeddings: embeddings, log: log) }
                        }
                    }
                } onCancel: {
                    server.channel.close(promise: nil)
                }
                group.cancelAll()
            }
        }
        return StubLLMServer(port: boundPort, task: task, log: log)
    }

    /// Starts a stub, runs `body` with it, and stops it however `body` ends, waiting until the
    /// socket and every connection are closed.
    public static func serving<Result>(script: @escaping StubScript,
                                       embeddings: @escaping StubEmbeddingsScript = StubEmbeddings.reply,
                                       _ body: (StubLLMServer) async throws -> Result) async throws -> Result {
        let server = try await start(script: script, embeddings: embeddings)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// Closes the socket and every open connection.
    public func stop() async {
        task.cancel()
        await task.value
    }
}

/// Every request received and what became of each stream, shared by the connection tasks.
private final class RequestLog: Sendable {
    private let keepsRequests: Bool
    private let requests = Mutex<[StubRequest]>([])
    private let tally = Mutex(StreamTally())
    init(keepsRequests: Bool) { self.keepsRequests = keepsRequests }
    func append(_ request: StubRequest) {
        guard keepsRequests else { return }
        requests.withLock { $0.append(request) }
    }
    var all: [StubRequest] { requests.withLock { $0 } }
    func count(_ change: (inout StreamTally) -> Void) { tally.withLock { change(&$0) } }
    var streams: StreamTally { tally.withLock { $0 } }
}

private func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
                   script: StubScript, embeddings: StubEmbeddingsScript, log: RequestLog) async {
    try? await connection.executeThenClose { inbound, outbound in
        var body = ByteBuffer()
        var uri = ""
        var headers: [String: String] = [:]
        for try await part in inbound {
            switch part {
            case .head(let head):
                body.clear()
                uri = head.uri
                headers = Dictionary(head.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
            case .body(var chunk):
                body.writeBuffer(&chunk)
            case .end where uri.hasSuffix("/models"):
                let keepOpen = try await respond(.status(200, body: StubWire.modelList),
                                                 to: StubRequest(body: Data(), headers: headers), outbound: outbound, log: log)
                if !keepOpen { return }
            case .end where uri.hasSuffix("/embeddings"):
                let request = StubRequest(body: Data(body.readableBytesView), headers: headers)
                let keepOpen = try await respond(await embeddings(request.body), to: request, outbound: outbound, log: log)
                if !keepOpen { return }
            case .end:
                let request = StubRequest(body: Data(body.readableBytesView), headers: headers)
                log.append(request)
                let keepOpen = try await respond(await script(request), to: request, outbound: outbound, log: log)
                if !keepOpen { return }
            }
        }
    }
}

/// Writes one reply; returns false when the connection must be dropped.
private func respond(_ reply: StubReply, to request: StubRequest,
                     outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>, log: RequestLog) async throws -> Bool {
    func head(_ status: HTTPResponseStatus, _ headers: [(String, String)]) async throws {
        try await outbound.write(.head(HTTPResponseHead(version: .http1_1, status: status,
                                                        headers: HTTPHeaders(headers))))
    }
    func body(_ text: String) async throws {
        try await outbound.write(.body(.byteBuffer(ByteBuffer(string: text))))
    }
    switch reply {
    case .stream(let content, let chunkSize, let firstDelay, let chunkDelay, let finishReason, let cut, let watcher):
        guard request.stream else {
            defer { watcher?.ended(chunks: 0, completed: true) }
            return try await respond(.json(content: content, finishReason: finishReason), to: request, outbound: outbound,
                                     log: log)
        }
        var written = 0
        do {
            try await Task.sleep(for: firstDelay)
            try await head(.ok, [("content-type", "text/event-stream")])
        } catch {
            watcher?.ended(chunks: 0, completed: false)
            throw error
        }
        log.count { $0.started += 1 }
        do {
            let pieces = StubWire.split(content, size: chunkSize)
            let start = ContinuousClock.now
            for (index, piece) in pieces.enumerated() {
                if let cut, index == cut {
                    watcher?.ended(chunks: written, completed: false)
                    return false
                }
                // Chunk k is due at k × chunkDelay after the first, however late a write was.
                if index > 0 { try await Task.sleep(until: start + chunkDelay * index, clock: .continuous) }
                watcher?.writing(chunk: index)
                try await body(StubWire.event(StubWire.chunk(content: piece)))
                written += 1
            }
            let usage = (prompt: TextMeasure.tokens(request.promptText), completion: TextMeasure.tokens(content))
            try await body(StubWire.event(StubWire.chunk(content: nil, finishReason: finishReason)))
            try await body(StubWire.event(StubWire.usageChunk(prompt: usage.prompt, completion: usage.completion)))
            try await body("data: [DONE]\n\n")
            try await outbound.write(.end(nil))
        } catch {
            log.count { $0.aborted += 1 }
            watcher?.ended(chunks: written, completed: false)
            throw error
        }
        log.count { $0.finished += 1 }
        watcher?.ended(chunks: written, completed: true)
    case .json(let content, let finishReason):
        let text = StubWire.completion(content: content, finishReason: finishReason)
        try await head(.ok, [("content-type", "application/json"), ("content-length", "\(text.utf8.count)")])
        try await body(text)
        try await outbound.write(.end(nil))
    case .status(let code, let text, let retryAfter):
        var headers = [("content-type", "application/json"), ("content-length", "\(text.utf8.count)")]
        if let retryAfter { headers.append(("retry-after", "\(retryAfter)")) }
        try await head(HTTPResponseStatus(statusCode: code), headers)
        try await body(text)
        try await outbound.write(.end(nil))
    case .raw(let text, let contentType):
        try await head(.ok, [("content-type", contentType)])
        try await body(text)
        try await outbound.write(.end(nil))
    case .hang:
        try await Task.sleep(for: .seconds(3600))
        return false
    case .drip(let text, let every, let first):
        try await head(.ok, [("content-type", "text/event-stream")])
        if !first.isEmpty { try await body(first) }
        for character in text {
            try await body(String(character))
            try await Task.sleep(for: every)
        }
        try await outbound.write(.end(nil))
    }
    return true
}
