import Foundation

/// The body of an HTTP error from an OpenAI-compatible server.
enum APIErrorBody {
    /// The `error.message` of an OpenAI-style error body, or the body itself.
    static func message(_ body: [UInt8]) -> String {
        struct Envelope: Decodable {
            struct Inner: Decodable { var message: String? }
            var error: Inner?
        }
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)), let message = envelope.error?.message {
            return message
        }
        return String(decoding: body.prefix(2048), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
