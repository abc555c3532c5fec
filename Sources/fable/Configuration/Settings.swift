import FableLLM
import Foundation
import Yams

/// The resolved configuration: each value from the flag, else the environment,
/// else the config file, else the default.
struct Settings {
    var databasePath: String
    var llm: LLMConfiguration

    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    static func resolve(_ options: CommonOptions,
                        environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Settings {
        let file = try configFile(options.config ?? environment["FABLE_CONFIG"])
        let llmFile = file["llm"] as? [String: Any] ?? [:]
        func pick(_ flag: String?, _ env: [String], _ key: String, in section: [String: Any]) -> String? {
            if let flag { return flag }
            for name in env { if let value = environment[name], !value.isEmpty { return value } }
            return section[key].map { "\($0)" }
        }
        func number(_ text: String?, _ name: String) throws -> Double? {
            guard let text else { return nil }
            guard let value = Double(text) else { throw Invalid(description: "\(name) must be a number, not \"\(text)\"") }
            return value
        }
        var llm = LLMConfiguration()
        llm.baseURL = pick(options.llmURL, ["FABLE_LLM_URL", "OPENAI_BASE_URL"], "url", in: llmFile) ?? llm.baseURL
        llm.model = pick(options.model, ["FABLE_LLM_MODEL"], "model", in: llmFile) ?? llm.model
        llm.apiKey = pick(options.apiKey, ["FABLE_LLM_API_KEY", "OPENAI_API_KEY"], "api_key", in: llmFile)
        llm.temperature = try number(pick(options.temperature.map { "\($0)" }, ["FABLE_LLM_TEMPERATURE"],
                                          "temperature", in: llmFile), "temperature") ?? llm.temperature
        llm.maxTokens = try number(pick(options.maxTokens.map { "\($0)" }, ["FABLE_LLM_MAX_TOKENS"],
                                        "max_tokens", in: llmFile), "max_tokens").map { Int($0) } ?? llm.maxTokens
        llm.requestTimeout = try number(pick(options.timeout.map { "\($0)" }, ["FABLE_LLM_TIMEOUT"],
                                             "timeout", in: llmFile), "timeout") ?? llm.requestTimeout
        llm.firstByteTimeout = min(llm.firstByteTimeout, llm.requestTimeout)
        let db = pick(options.db, ["FABLE_DB"], "db", in: file) ?? "fable.sqlite"
        return Settings(databasePath: db, llm: llm)
    }

    private static func configFile(_ path: String?) throws -> [String: Any] {
        let chosen = path ?? (FileManager.default.fileExists(atPath: "fable.yaml") ? "fable.yaml" : nil)
        guard let chosen else { return [:] }
        guard let text = try? String(contentsOfFile: chosen, encoding: .utf8) else {
            throw Invalid(description: "cannot read the config file \(chosen)")
        }
        do {
            return try Yams.load(yaml: text) as? [String: Any] ?? [:]
        } catch {
            throw Invalid(description: "the config file \(chosen) is not valid YAML: \(error)")
        }
    }
}
