import FableCore
import Foundation
import Synchronization

/// The JSON of a streamed chat-completions request. The reply schema is JSON text already: it
/// is spliced in as it is, once it has been seen to parse, instead of being parsed and written
/// again for every request.
enum ChatRequestBody {
    private struct Body: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }
        struct StreamOptions: Encodable {
            var include_usage = true
        }
        var model: String
        var messages: [Message]
        var stream = true
        var stream_options = StreamOptions()
        var max_tokens: Int
        var temperature: Double
        var repeat_penalty: Double?
    }

    /// The few schemas a process sends, each checked once.
    private static let checkedSchemas = Mutex<Set<String>>([])

    static func encode(_ request: ChatRequest, configuration: LLMConfiguration) throws -> Data {
        try check(request.schema)
        let body = Body(model: configuration.model,
                        messages: request.messages.map { Body.Message(role: $0.role.rawValue, content: $0.content) },
                        max_tokens: request.maxTokens ?? configuration.maxTokens,
                        temperature: request.temperature ?? configuration.temperature,
                        repeat_penalty: configuration.repeatPenalty)
        let encoder = JSONEncoder()
        var data = try encoder.encode(body)
        guard data.last == UInt8(ascii: "}") else { throw ModelError.malformed("the request could not be written") }
        data.removeLast()
        data.append(contentsOf: #","response_format":{"type":"json_schema","json_schema":{"name":"#.utf8)
        data.append(try encoder.encode(request.schemaName))
        data.append(contentsOf: #","strict":true,"schema":"#.utf8)
        data.append(contentsOf: request.schema.utf8)
        data.append(contentsOf: "}}}".utf8)
        return data
    }

    private static func check(_ schema: String) throws {
        if checkedSchemas.withLock({ $0.contains(schema) }) { return }
        guard (try? JSONSerialization.jsonObject(with: Data(schema.utf8))) is [String: Any] else {
            throw ModelError.malformed("the reply schema is not a JSON object")
        }
        checkedSchemas.withLock { _ = $0.insert(schema) }
    }
}
