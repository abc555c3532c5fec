import FableCore
import Foundation

/// Turns the body of a chat-completions reply into `ChatEvent`s: server-sent events
/// when the server streams, or one JSON object when it does not.
struct ChatStreamReader: Sendable {
    private enum Format { case unknown, events, json }
    private var format = Format.unknown
    private var parser = ServerSentEventParser()
    private var json: [UInt8] = []
    private var finishReason: String?
    private var usage: ChatUsage?
    private(set) var done = false

    mutating func feed(_ bytes: UnsafeRawBufferPointer) throws(ModelError) -> [ChatEvent] {
        if format == .unknown, let first = bytes.first(where: { !Self.isSpace($0) }) {
            format = first == UInt8(ascii: "{") ? .json : .events
        }
        switch format {
        case .unknown:
            return []
        case .json:
            json.append(contentsOf: bytes)
            return []
        case .events:
            var events: [ChatEvent] = []
            for data in parser.feed(bytes) where !done {
                events += try handle(event: data)
            }
            return events
        }
    }

    /// Called when the body has ended; returns the last events, or throws when it ended early.
    mutating func finish() throws(ModelError) -> [ChatEvent] {
        switch format {
        case .json:
            let chunk = try Self.decode(json)
            let text = chunk.choices?.first?.message?.content ?? ""
            return [.content(text), .finished(reason: chunk.choices?.first?.finishReason, usage: chunk.chatUsage)]
        case .events:
            var events: [ChatEvent] = []
            if !done, let data = parser.finish() { events += try handle(event: data) }
            if done { return events }
            // No [DONE]: complete only if the model said why it stopped.
            guard finishReason != nil else { throw .truncated }
            done = true
            return events + [.finished(reason: finishReason, usage: usage)]
        case .unknown:
            throw .truncated
        }
    }

    private mutating func handle(event bytes: [UInt8]) throws(ModelError) -> [ChatEvent] {
        if Self.isDoneMarker(bytes) {
            done = true
            return [.finished(reason: finishReason, usage: usage)]
        }
        let delta: ChunkScanner.Delta
        if let scanned = ChunkScanner.delta(in: bytes) {
            delta = scanned
        } else {
            // Invalid UTF-8 becomes U+FFFD, as reading the event as text would make it.
            let chunk = try Self.decode(Array(String(decoding: bytes, as: UTF8.self).utf8))
            if let error = chunk.error {
                throw .http(status: error.code ?? 500, body: error.message ?? "error in stream")
            }
            if let reported = chunk.chatUsage { usage = reported }
            delta = chunk.delta
        }
        if let reason = delta.finishReason { finishReason = reason }
        if let text = delta.content, !text.isEmpty { return [.content(text)] }
        return []
    }

    private static func decode(_ bytes: [UInt8]) throws(ModelError) -> Chunk {
        do {
            return try decoder.decode(Chunk.self, from: Data(bytes))
        } catch {
            throw .malformed("a chunk is not the JSON of a chat completion")
        }
    }

    /// A chunk as `JSONDecoder` reads it: its first choice's delta, and whether it carries usage
    /// or an error; nil when it does not decode. What `ChunkScanner` must agree with.
    static func decodedDelta(_ bytes: [UInt8]) -> (delta: ChunkScanner.Delta, usageOrError: Bool)? {
        guard let chunk = try? decode(bytes) else { return nil }
        return (chunk.delta, chunk.usage != nil || chunk.error != nil)
    }

    /// One decoder for every chunk: a reply is hundreds of events, one per token.
    private static let decoder = JSONDecoder()

    /// `[DONE]`, with any spaces or tabs around it, compared as bytes (Foundation's
    /// trimming goes through NSString, too dear for every event).
    static func isDoneMarker(_ data: [UInt8]) -> Bool {
        let bytes = data.drop { $0 == 0x20 || $0 == 0x09 }
        var end = bytes.endIndex
        while end > bytes.startIndex, case let byte = bytes[bytes.index(before: end)], byte == 0x20 || byte == 0x09 {
            end = bytes.index(before: end)
        }
        return bytes[..<end].elementsEqual("[DONE]".utf8)
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}

/// The parts of a chat completion (or one streamed chunk of it) that Fable reads.
private struct Chunk: Decodable {
    struct Choice: Decodable {
        struct Text: Decodable {
            var content: String?
        }
        var delta: Text?
        var message: Text?
        var finishReason: String?

        enum CodingKeys: String, CodingKey {
            case delta, message
            case finishReason = "finish_reason"
        }
    }

    struct Usage: Decodable {
        struct PromptDetails: Decodable {
            var cachedTokens: Int?

            enum CodingKeys: String, CodingKey { case cachedTokens = "cached_tokens" }
        }
        var promptTokens: Int?
        var completionTokens: Int?
        var promptDetails: PromptDetails?

        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case promptDetails = "prompt_tokens_details"
        }
    }

    /// llama.cpp's account of the call, beside the usage.
    struct Timings: Decodable {
        var promptN: Int?
        var promptMs: Double?
        var predictedN: Int?
        var predictedMs: Double?

        enum CodingKeys: String, CodingKey {
            case promptN = "prompt_n", promptMs = "prompt_ms", predictedN = "predicted_n", predictedMs = "predicted_ms"
        }

        var serverTimings: ServerTimings? {
            guard let promptN, let promptMs, let predictedN, let predictedMs else { return nil }
            return ServerTimings(promptTokens: promptN, promptMilliseconds: promptMs,
                                 generatedTokens: predictedN, generationMilliseconds: predictedMs)
        }
    }

    var chatUsage: ChatUsage? {
        guard let promptTokens = usage?.promptTokens, let completionTokens = usage?.completionTokens else { return nil }
        return ChatUsage(promptTokens: promptTokens, completionTokens: completionTokens,
                         cachedPromptTokens: usage?.promptDetails?.cachedTokens, serverTimings: timings?.serverTimings)
    }

    struct APIError: Decodable {
        var message: String?
        var code: Int?

        enum CodingKeys: CodingKey { case message, code }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            message = try container.decodeIfPresent(String.self, forKey: .message)
            code = (try? container.decodeIfPresent(Int.self, forKey: .code)) ?? nil
        }
    }

    var choices: [Choice]?
    var usage: Usage?
    var timings: Timings?
    var error: APIError?

    /// The first choice's streamed text and finish reason, as `ChunkScanner` reads them.
    var delta: ChunkScanner.Delta {
        ChunkScanner.Delta(content: choices?.first?.delta?.content, finishReason: choices?.first?.finishReason)
    }
}
