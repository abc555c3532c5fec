@testable import FableLLM
import FableCore
import Testing

/// The last chunk of a llama.cpp stream carries the usage, the cached prompt tokens and the
/// server's own timings: what a step's time is compared with.
@Suite struct ServerTimingsTests {
    @Test func theUsageChunkYieldsCachedTokensAndTheServersTimings() throws {
        var reader = ChatStreamReader()
        let stream = """
            data: {"choices":[{"delta":{"content":"Hi"},"finish_reason":null}]}

            data: {"choices":[{"delta":{},"finish_reason":"stop"}]}

            data: {"choices":[],"usage":{"completion_tokens":5,"prompt_tokens":1200,"total_tokens":1205,"prompt_tokens_details":{"cached_tokens":900}},"timings":{"cache_n":900,"prompt_n":300,"prompt_ms":850.5,"predicted_n":5,"predicted_ms":40.25}}

            data: [DONE]


            """
        let events = try Array(stream.utf8).withUnsafeBytes { try reader.feed($0) }
        let timings = ServerTimings(promptTokens: 300, promptMilliseconds: 850.5, generatedTokens: 5, generationMilliseconds: 40.25)
        #expect(events.last == .finished(reason: "stop", usage: ChatUsage(promptTokens: 1200, completionTokens: 5,
                                                                        cachedPromptTokens: 900, serverTimings: timings)))
    }

    @Test func aServerWithoutTimingsGivesTheUsageAlone() throws {
        var reader = ChatStreamReader()
        let stream = """
            data: {"choices":[{"delta":{"content":"Hi"},"finish_reason":"stop"}],"usage":{"completion_tokens":1,"prompt_tokens":9}}

            data: [DONE]


            """
        let events = try Array(stream.utf8).withUnsafeBytes { try reader.feed($0) }
        #expect(events.last == .finished(reason: "stop", usage: ChatUsage(promptTokens: 9, completionTokens: 1)))
    }
}

@Suite struct ModelServerTests {
    @Test(arguments: ["http://127.0.0.1:8411/v1", "http://127.0.0.1:9000/v1", "http://localhost:8080/v1", "http://[::1]:8411/v1"])
    func aModelServerOnThisMachineIsTakenForLlamaCppOnAnyPort(url: String) {
        #expect(ModelServer.assumed(for: url) == .llamaCpp)
        #expect(LLMConfiguration.defaultRepeatPenalty(for: ModelServer.assumed(for: url)) == 1.1)
    }

    @Test(arguments: ["https://api.openai.com/v1", "http://10.0.0.5:8411/v1", "not a url"])
    func anotherHostIsTakenForAStandardAPIAndGetsNoPenalty(url: String) {
        #expect(ModelServer.assumed(for: url) == .openAICompatible)
        #expect(LLMConfiguration.defaultRepeatPenalty(for: ModelServer.assumed(for: url)) == nil)
    }

    @Test func aSettingNamesTheKind() {
        #expect(ModelServer(setting: "llama.cpp") == .llamaCpp)
        #expect(ModelServer(setting: "LlamaCpp") == .llamaCpp)
        #expect(ModelServer(setting: "openai") == .openAICompatible)
        #expect(ModelServer(setting: "vllm") == nil)
    }
}
