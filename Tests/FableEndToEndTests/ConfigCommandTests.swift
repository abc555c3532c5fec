import Foundation
import Testing

/// `fable config`: what `scripts/run` asks before it starts the local model.
@Suite struct ConfigCommandTests {
    @Test func aModelURLInFableYamlIsWhatFableWouldUseAndTheKeyIsNeverPrinted() async throws {
        let folder = temporaryFolder()
        let unset = ["FABLE_LLM_URL": "", "OPENAI_BASE_URL": "", "FABLE_LLM_API_KEY": "", "OPENAI_API_KEY": "",
                     "FABLE_LLM_REPEAT_PENALTY": ""]
        // Nothing configured: the local model, with the repeat penalty a local server gets.
        let plain = try await FableProcess.run(["config", "--port", "4000"], in: folder, llmURL: "", environment: unset)
        #expect(plain.status == 0, "\(plain.err)")
        #expect(plain.out.contains("llm.url: http://127.0.0.1:8411/v1") && plain.out.contains("llm.repeat_penalty: 1.1"))

        try "llm:\n  url: https://models.example.org/v1\n  api_key: sk-secret-123\n"
            .write(to: folder.appendingPathComponent("fable.yaml"), atomically: true, encoding: .utf8)
        let url = try await FableProcess.run(["config", "--get", "llm.url"], in: folder, llmURL: "", environment: unset)
        #expect(url.out == "https://models.example.org/v1\n", "\(url.err)")
        let all = try await FableProcess.run(["config"], in: folder, llmURL: "", environment: unset)
        #expect(all.out.contains("llm.api_key: (set)") && !all.out.contains("sk-secret-123"))
        #expect(all.out.contains("llm.repeat_penalty: none"))
        // A flag still wins over the file.
        let flagged = try await FableProcess.run(["config", "--get", "llm.url", "--llm-url", "http://127.0.0.1:9001/v1"],
                                                 in: folder, llmURL: "", environment: unset)
        #expect(flagged.out == "http://127.0.0.1:9001/v1\n")
    }
}
