import FableCore
@testable import FableLLM
import Foundation
import Testing

@Suite struct ChatRequestBodyTests {
    private let schema = #"{"type":"object","properties":{"passage":{"type":"string","maxLength":2000}},"required":["passage"]}"#

    private func decoded(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func theBodyIsOneJSONObjectWithTheSchemaAsSent() throws {
        var configuration = LLMConfiguration()
        configuration.model = "smollm2"
        configuration.repeatPenalty = 1.1
        let request = ChatRequest(messages: [ChatMessage(.system, "Write \"well\".\n\u{1F409} /path\\"),
                                             ChatMessage(.user, "Go on.")],
                                  schemaName: "step_reply", schema: schema, maxTokens: 300)
        let body = try decoded(try ChatRequestBody.encode(request, configuration: configuration))
        #expect(body["model"] as? String == "smollm2")
        #expect(body["stream"] as? Bool == true)
        #expect((body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect(body["max_tokens"] as? Int == 300)
        #expect(body["temperature"] as? Double == configuration.temperature)
        #expect(body["repeat_penalty"] as? Double == 1.1)
        let messages = try #require(body["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "Write \"well\".\n\u{1F409} /path\\"],
                             ["role": "user", "content": "Go on."]])
        let format = try #require(body["response_format"] as? [String: Any])
        #expect(format["type"] as? String == "json_schema")
        let named = try #require(format["json_schema"] as? [String: Any])
        #expect(named["name"] as? String == "step_reply")
        #expect(named["strict"] as? Bool == true)
        let sent = try #require(named["schema"] as? NSDictionary)
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(schema.utf8)) as? NSDictionary)
        #expect(sent == expected)
    }

    @Test func noRepeatPenaltyIsLeftOutAndTheConfiguredLimitsApply() throws {
        let configuration = LLMConfiguration()
        let request = ChatRequest(messages: [ChatMessage(.user, "Hi")], schemaName: "s", schema: schema)
        let body = try decoded(try ChatRequestBody.encode(request, configuration: configuration))
        #expect(body["repeat_penalty"] == nil)
        #expect(body["max_tokens"] as? Int == configuration.maxTokens)
    }

    @Test func aSchemaThatIsNotAJSONObjectIsRefused() {
        for bad in ["", "{", #"{"type":"object""#, "[1,2]", #"{"a":1}}"#] {
            let request = ChatRequest(messages: [], schemaName: "s", schema: bad)
            #expect(throws: ModelError.self, "\(bad)") { try ChatRequestBody.encode(request, configuration: LLMConfiguration()) }
        }
    }
}
