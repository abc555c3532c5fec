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

    @Test func theModelServersKindDecidesTheRepeatPenaltyUnlessOneIsSet() async throws {
        let folder = temporaryFolder()
        let unset = ["FABLE_LLM_URL": "", "OPENAI_BASE_URL": "", "FABLE_LLM_REPEAT_PENALTY": "", "FABLE_LLM_SERVER": ""]
        // A server on this machine that says it is not llama.cpp (a local Ollama or vLLM) gets none.
        let other = try await FableProcess.run(["config"], in: folder, llmURL: "",
                                               environment: unset.merging(["FABLE_LLM_SERVER": "openai"]) { $1 })
        #expect(other.out.contains("llm.server: openai") && other.out.contains("llm.repeat_penalty: none"), "\(other.err)")
        // A remote llama.cpp server named as one gets it; a penalty set wins over either.
        try "llm:\n  url: https://models.example.org/v1\n  server: llama.cpp\n"
            .write(to: folder.appendingPathComponent("fable.yaml"), atomically: true, encoding: .utf8)
        let remote = try await FableProcess.run(["config"], in: folder, llmURL: "", environment: unset)
        #expect(remote.out.contains("llm.server: llama.cpp") && remote.out.contains("llm.repeat_penalty: 1.1"), "\(remote.err)")
        let set = try await FableProcess.run(["config", "--get", "llm.repeat_penalty"], in: folder, llmURL: "",
                                             environment: unset.merging(["FABLE_LLM_REPEAT_PENALTY": "1.3"]) { $1 })
        #expect(set.out == "1.3\n")
        let wrong = try await FableProcess.run(["config"], in: folder, llmURL: "",
                                               environment: unset.merging(["FABLE_LLM_SERVER": "vllm"]) { $1 })
        #expect(wrong.status != 0 && wrong.err.contains("server must be llama.cpp or openai"))
    }
}
