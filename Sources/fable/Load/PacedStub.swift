import FableStub
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// An OpenAI-compatible chat-completions stub for `fable load`: streams
/// `StubStoryteller`'s replies (whose passages start "Step N.") as server-sent events,
/// one event per token of `charsPerToken` characters, at `tokensPerSecond` after
/// `firstToken`. Each reply's number is the request's, and the stub notes the instant it
/// writes the token holding the passage's first character (and the one completing its
/// first word), on the clock the load client reads: the client subtracts them from the
/// instant the reader's first passage byte arrives.
final class PacedStub: Sendable {
    struct Pacing: Sendable {
        var tokensPerSecond: Double
        var firstToken: TimeAmount
        var charsPerToken: Int
    }

    let port: Int
    let pacing: Pacing
    let record: StubRecord
    private let channel: any Channel

    var url: String { "http://127.0.0.1:\(port)/v1" }

    private init(port: Int, pacing: Pacing, record: StubRecord, channel: any Channel) {
        self.port = port
        self.pacing = pacing
        self.record = record
        self.channel = channel
    }

    static func start(group: any EventLoopGroup, host: String, port: Int, pacing: Pacing) async throws -> PacedStub {
        let record = StubRecord()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(PacedStubHandler(pacing: pacing, record: record))
                }
            }
            .bind(host: host, port: port).get()
        return PacedStub(port: channel.localAddress?.port ?? port, pacing: pacing, record: record, channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }
}

/// What the stub did, shared with the load client.
final class StubRecord: Sendable {
    struct Marks: Sendable {
        /// When the request had arrived whole.
        var requested: UInt64
        /// When the token holding the passage's first character was written.
        var passage: UInt64
        /// When the token completing the passage's first word was written.
        var word: UInt64
    }

    struct Counts: Sendable {
        var requests = 0
        var completed = 0
        var cut = 0
        var tokens = 0
        var streaming = 0
        var mostStreaming = 0
    }

    private let marks = Mutex<[Int: Marks]>([:])
    private let counts = Mutex(Counts())

    func begin() -> Int {
        counts.withLock { counts in
            counts.requests += 1
            counts.streaming += 1
            counts.mostStreaming = max(counts.mostStreaming, counts.streaming)
            return counts.requests
        }
    }

    func end(tokens: Int, completed: Bool) {
        counts.withLock { counts in
            counts.streaming -= 1
            counts.tokens += tokens
            if completed { counts.completed += 1 } else { counts.cut += 1 }
        }
    }

    func mark(_ number: Int, requested: UInt64? = nil, passage: UInt64? = nil, word: UInt64? = nil) {
        marks.withLock { marks in
            var entry = marks[number] ?? Marks(requested: 0, passage: 0, word: 0)
            if let requested { entry.requested = requested }
            if let passage { entry.passage = passage }
            if let word { entry.word = word }
            marks[number] = entry
        }
    }

    func marks(of number: Int) -> Marks? {
        marks.withLock { $0[number] }
    }

    var snapshot: Counts { counts.withLock { $0 } }
}

/// One HTTP connection to the stub; requests are answered one after another (keep-alive).
private final class PacedStubHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let pacing: PacedStub.Pacing
    private let record: StubRecord
    private var uri = ""
    private var body = ByteBuffer()
    private var streaming: Stream?
    private var pending: Scheduled<Void>?

    /// The reply being streamed.
    private struct Stream {
        var number: Int
        var tokens: [String]
        var next = 0
        var passageToken: Int?
        var wordToken: Int?
        var start: NIODeadline
        var interval: TimeAmount
        var promptTokens: Int
    }

    init(pacing: PacedStub.Pacing, record: StubRecord) {
        self.pacing = pacing
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            uri = head.uri
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            respond(context: context)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        pending?.cancel()
        pending = nil
        if let stream = streaming {
            streaming = nil
            record.end(tokens: stream.next, completed: false)
        }
        context.fireChannelInactive()
    }

    private func respond(context: ChannelHandlerContext) {
        guard uri.hasSuffix("/chat/completions") else {
            let text = #"{"error":{"message":"the load stub answers chat completions only"}}"#
            var headers = HTTPHeaders([("content-type", "application/json"), ("content-length", "\(text.utf8.count)")])
            headers.add(name: "connection", value: "keep-alive")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .notFound, headers: headers))),
                          promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        let request = String(buffer: body)
        let opening = request.contains(#""outline""#)
        let number = record.begin()
        record.mark(number, requested: MonotonicClock.now())
        let content = StubStoryteller.reply(number: number, opening: opening)
        let tokens = Self.tokens(content, size: pacing.charsPerToken)
        // Where the passage starts and where its first word ends, in characters of `content`.
        var passageToken: Int?
        var wordToken: Int?
        if let key = content.range(of: #""passage":""#) {
            let first = content.distance(from: content.startIndex, to: key.upperBound)
            let rest = content[key.upperBound...]
            let space = rest.firstIndex(where: { $0 == " " || $0 == "\"" }) ?? rest.endIndex
            let wordEnd = content.distance(from: content.startIndex, to: space)
            passageToken = first / pacing.charsPerToken
            wordToken = min(tokens.count - 1, wordEnd / pacing.charsPerToken)
        }
        let interval = TimeAmount.nanoseconds(Int64(1e9 / max(0.001, pacing.tokensPerSecond)))
        streaming = Stream(number: number, tokens: tokens, passageToken: passageToken, wordToken: wordToken,
                           start: .now() + pacing.firstToken, interval: interval, promptTokens: body.readableBytes / 4)
        let headers = HTTPHeaders([("content-type", "text/event-stream"), ("cache-control", "no-cache")])
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))),
                              promise: nil)
        schedule(context: context)
    }

    /// Schedules the next token at start + k × interval (no drift, however late a write was).
    private func schedule(context: ChannelHandlerContext) {
        guard let stream = streaming else { return }
        let deadline = stream.start + stream.interval * Int64(stream.next)
        pending = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            self.sendToken(context: context)
        }
    }

    private func sendToken(context: ChannelHandlerContext) {
        guard var stream = streaming else { return }
        let index = stream.next
        let event = "data: " + Self.chunk(content: stream.tokens[index]) + "\n\n"
        let now = MonotonicClock.now()
        if index == stream.passageToken { record.mark(stream.number, passage: now) }
        if index == stream.wordToken { record.mark(stream.number, word: now) }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: event)))), promise: nil)
        stream.next += 1
        if stream.next < stream.tokens.count {
            streaming = stream
            schedule(context: context)
            return
        }
        streaming = nil
        pending = nil
        let completion = stream.tokens.count
        let tail = "data: " + Self.finishChunk + "\n\n"
            + "data: {\"object\":\"chat.completion.chunk\",\"model\":\"load-stub\",\"choices\":[],"
            + "\"usage\":{\"prompt_tokens\":\(stream.promptTokens),\"completion_tokens\":\(completion)}}\n\n"
            + "data: [DONE]\n\n"
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: tail)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        record.end(tokens: completion, completed: true)
    }

    private static let finishChunk = #"{"object":"chat.completion.chunk","model":"load-stub","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#

    static func chunk(content: String) -> String {
        #"{"object":"chat.completion.chunk","model":"load-stub","choices":[{"index":0,"delta":{"content":""#
            + escape(content) + #""},"finish_reason":null}]}"#
    }

    /// `text` as the inside of a JSON string.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The reply cut into tokens of `size` characters.
    static func tokens(_ text: String, size: Int) -> [String] {
        var tokens: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            tokens.append(String(rest.prefix(max(1, size))))
            rest = rest.dropFirst(max(1, size))
        }
        return tokens
    }
}
