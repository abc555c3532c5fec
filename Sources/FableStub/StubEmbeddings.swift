import FableCore
import Foundation

/// A deterministic stand-in for an embeddings model: a hashed bag of lower-cased word stems
/// in 384 dimensions, L2-normalised. It knows words, not meanings (no synonyms), so it ranks
/// much as BM25 does; it is for tests and for trying the wiring, not for measuring recall.
public enum StubEmbeddings {
    public static let dimensions = 384
    public static let modelName = "stub-embeddings"

    /// The vector of one text: each stem adds ±1 at two hashed places (FNV-1a, stable across
    /// runs and machines). A text without words gets a fixed unit vector.
    public static func vector(_ text: String) -> [Float] {
        var vector = [Float](repeating: 0, count: dimensions)
        for word in words(text) {
            let hash = fnv1a(stem(word))
            vector[Int(hash % UInt64(dimensions))] += (hash >> 32) & 1 == 0 ? 1 : -1
            vector[Int((hash >> 40) % UInt64(dimensions))] += (hash >> 63) == 0 ? 0.5 : -0.5
        }
        return VectorMath.normalized(vector) ?? [1] + [Float](repeating: 0, count: dimensions - 1)
    }

    /// The stub server's answer to `POST …/embeddings`: OpenAI's reply shape, or 400.
    public static func reply(to body: Data) -> StubReply {
        guard let request = StubEmbeddingsRequest(body: body), !request.input.isEmpty else {
            return .status(400, body: #"{"error":{"message":"'input' must be a string or a non-empty array of strings"}}"#)
        }
        let data: [[String: Any]] = request.input.enumerated().map { index, text in
            ["object": "embedding", "index": index, "embedding": vector(text).map(Double.init)]
        }
        let reply: [String: Any] = ["object": "list", "model": request.model ?? modelName, "data": data,
                                    "usage": ["prompt_tokens": 0, "total_tokens": 0]]
        let json = (try? JSONSerialization.data(withJSONObject: reply)) ?? Data("{}".utf8)
        return .raw(String(decoding: json, as: UTF8.self), contentType: "application/json")
    }

    /// Lower-cased runs of letters and digits.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// A crude English stemmer: enough that "keys" and "key", "hidden" and "hide" do not
    /// always land apart. Deterministic, which is all the stub needs.
    static func stem(_ word: String) -> String {
        for suffix in ["ingly", "edly", "ing", "ies", "ied", "ed", "es", "ly", "s"] where word.count > suffix.count + 2 {
            if word.hasSuffix(suffix) { return String(word.dropLast(suffix.count)) }
        }
        return word
    }

    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}

/// One `POST …/embeddings` request, decoded: `input` as a string or a list of strings.
public struct StubEmbeddingsRequest: Sendable {
    public var model: String?
    public var input: [String]
    /// `"query"` or `"passage"`, when the client says.
    public var inputType: String?

    public init?(body: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
        if let text = object["input"] as? String {
            input = [text]
        } else if let texts = object["input"] as? [String] {
            input = texts
        } else {
            return nil
        }
        model = object["model"] as? String
        inputType = object["input_type"] as? String
    }
}

/// How the stub server answers embeddings requests (the request's body in, a reply out).
public typealias StubEmbeddingsScript = @Sendable (Data) async -> StubReply

/// `StubEmbeddings` as an in-process `Embedder`, for tests and benchmarks without HTTP.
public struct StubEmbedder: Embedder {
    public let modelName: String

    public init(modelName: String = StubEmbeddings.modelName) {
        self.modelName = modelName
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map(StubEmbeddings.vector)
    }
}
