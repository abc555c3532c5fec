import Foundation
import FableCore

/// The JSON an OpenAI-compatible server sends. A streamed chunk is written by hand, as
/// llama.cpp's server writes it: the paced stub writes thousands a second, and
/// `JSONSerialization` would make the stub, not the server, what a load run measures.
enum StubWire {
    static func split(_ text: String, size: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        for character in text {
            current.append(character)
            if current.count >= max(1, size) {
                pieces.append(current)
                current = ""
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// `GET /models`: one model, owned by no server kind Fable knows, as a standard API's would be.
    static let modelList = #"{"object":"list","data":[{"id":"stub","object":"model","owned_by":"fable-stub"}]}"#

    static func event(_ json: String) -> String { "data: \(json)\n\n" }

    static func chunk(content: String?, finishReason: String? = nil) -> String {
        let delta = content.map { #"{"content":""# + JSONString.escaped($0) + #""}"# } ?? "{}"
        let finish = finishReason.map { "\"" + JSONString.escaped($0) + "\"" } ?? "null"
        return #"{"choices":[{"index":0,"delta":"# + delta + #","finish_reason":"# + finish
            + #"}],"model":"stub","object":"chat.completion.chunk"}"#
    }

    static func usageChunk(prompt: Int, completion: Int) -> String {
        encode(["object": "chat.completion.chunk", "model": "stub", "choices": [] as [Any],
                "usage": ["prompt_tokens": prompt, "completion_tokens": completion]])
    }

    static func completion(content: String, finishReason: String) -> String {
        encode(["object": "chat.completion", "model": "stub",
                "choices": [["index": 0, "message": ["role": "assistant", "content": content],
                             "finish_reason": finishReason]]])
    }

    private static func encode(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
