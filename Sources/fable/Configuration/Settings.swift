import FableCore
import FableLLM
import FableStore
import Foundation
import Yams

/// The resolved configuration: each value from the flag, else the environment,
/// else the config file, else the default.
struct Settings {
    var databasePath: String
    /// Every commit waits for its fsync unless `every-second` is asked for (docs/admin.md).
    var durability = Durability.everyCommit
    var llm: LLMConfiguration
    /// Length and item limits in the reply schema; strict hosted APIs may refuse them.
    var schemaLimits = true
    /// Fresh tries after an unusable reply (invalid JSON, broken contract) before a step fails.
    var replyRetries = StorySettings.default.maxReplyRetries
    /// The model server's kind and `repeat_penalty` as configured; nil: decided by the server.
    var serverSetting: ModelServer?
    var repeatPenaltySetting: Double?
    /// nil: dense retrieval turned off (`--embeddings-url none`), BM25 alone searches long-term memory.
    var embeddings: EmbeddingsConfiguration?

    /// Takes the model server for `kind`: llama.cpp gets its repeat penalty unless one is set.
    mutating func settle(server kind: ModelServer) {
        llm.server = kind
        llm.repeatPenalty = repeatPenaltySetting ?? LLMConfiguration.defaultRepeatPenalty(for: kind)
    }

    /// Asks the model server what it is, unless the configuration says: the kind assumed from
    /// the URL alone takes a local Ollama for llama.cpp and a remote llama.cpp for a hosted API.
    mutating func identifyModelServer() async {
        guard serverSetting == nil,
              let kind = await ModelServerProbe.identify(baseURL: llm.baseURL, apiKey: llm.apiKey, timeout: 2) else { return }
        settle(server: kind)
    }

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
        let server = try pick(nil, ["FABLE_LLM_SERVER"], "server", in: llmFile).map { setting in
            guard let kind = ModelServer(setting: setting) else {
                throw Invalid(description: "server must be llama.cpp or openai, not \"\(setting)\"")
            }
            return kind
        }
        let repeatPenalty = try number(pick(nil, ["FABLE_LLM_REPEAT_PENALTY"], "repeat_penalty", in: llmFile), "repeat_penalty")
        let db = pick(options.db, ["FABLE_DB"], "db", in: file) ?? "fable.sqlite"
        let limits = pick(nil, ["FABLE_LLM_SCHEMA_LIMITS"], "schema_limits", in: llmFile)
        guard limits == nil || ["true", "false", "1", "0"].contains(limits!.lowercased()) else {
            throw Invalid(description: "schema_limits must be true or false, not \"\(limits!)\"")
        }
        let retries = try number(pick(nil, ["FABLE_LLM_REPLY_RETRIES"], "reply_retries", in: llmFile), "reply_retries")
        guard retries.map({ (0...10).contains($0) && $0 == $0.rounded() }) ?? true else {
            throw Invalid(description: "reply_retries must be a whole number from 0 to 10")
        }
        let embeddings = try resolveEmbeddings(options.embeddings, file: file, environment: environment, llm: llm)
        var settings = Settings(databasePath: db,
                                durability: try durability(pick(options.durability, ["FABLE_DURABILITY"], "durability", in: file)),
                                llm: llm, schemaLimits: limits.map { ["true", "1"].contains($0.lowercased()) } ?? true,
                                embeddings: embeddings)
        if let retries { settings.replyRetries = Int(retries) }
        settings.serverSetting = server
        settings.repeatPenaltySetting = repeatPenalty
        settings.settle(server: server ?? ModelServer.assumed(for: llm.baseURL))
        return settings
    }

    private static func durability(_ text: String?) throws -> Durability {
        switch text {
        case nil, "every-step": return .everyCommit
        case "every-second": return .within(.seconds(1))
        case let other?: throw Invalid(description: "durability must be every-step or every-second, not \"\(other)\"")
        }
    }

    /// The embeddings endpoint alone (for commands that need no language model).
    static func resolveEmbeddings(_ options: EmbeddingsOptions, config: String?,
                                  environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> EmbeddingsConfiguration? {
        let file = try configFile(config ?? environment["FABLE_CONFIG"])
        return try resolveEmbeddings(options, file: file, environment: environment, llm: nil)
    }

    /// `--embeddings-url`, FABLE_EMBEDDINGS_URL or the file's `embeddings: {url}`; by default
    /// the local server the project's scripts start (dense retrieval is part of the product:
    /// when it does not answer, BM25 alone serves and the server says so once). `none` (or
    /// `off`) turns dense retrieval off.
    private static func resolveEmbeddings(_ options: EmbeddingsOptions, file: [String: Any],
                                          environment: [String: String], llm: LLMConfiguration?) throws
        -> EmbeddingsConfiguration? {
        let section = file["embeddings"] as? [String: Any] ?? [:]
        func pick(_ flag: String?, _ env: String, _ key: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let value = environment[env], !value.isEmpty { return value }
            return section[key].map { "\($0)" }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let url = pick(options.url, "FABLE_EMBEDDINGS_URL", "url") ?? EmbeddingsConfiguration.localURL
        guard !["none", "off"].contains(url.lowercased()) else { return nil }
        var configuration = EmbeddingsConfiguration(baseURL: url)
        configuration.model = pick(options.model, "FABLE_EMBEDDINGS_MODEL", "model") ?? configuration.model
        if let prefix = pick(options.prefix, "FABLE_EMBEDDINGS_PREFIX", "prefix") {
            guard let marking = EmbeddingsConfiguration.Marking(rawValue: prefix) else {
                let allowed = EmbeddingsConfiguration.Marking.allCases.map(\.rawValue).joined(separator: ", ")
                throw Invalid(description: "the embeddings prefix must be one of \(allowed), not \"\(prefix)\"")
            }
            configuration.marking = marking
        }
        // The language model's key goes only to the same server, never to another host.
        configuration.apiKey = pick(nil, "FABLE_EMBEDDINGS_API_KEY", "api_key")
            ?? llm.flatMap { llm in configuration.baseURLs.allSatisfy { sameOrigin(llm.baseURL, $0) } ? llm.apiKey : nil }
        return configuration
    }

    /// Same scheme, host and port.
    static func sameOrigin(_ a: String, _ b: String) -> Bool {
        guard let x = URLComponents(string: a), let y = URLComponents(string: b), x.host != nil else { return false }
        return x.scheme?.lowercased() == y.scheme?.lowercased() && x.host?.lowercased() == y.host?.lowercased()
            && x.port == y.port
    }

    static func configFile(_ path: String?) throws -> [String: Any] {
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
