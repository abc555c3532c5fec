import Foundation

/// The kind of server behind an OpenAI-compatible URL. llama.cpp reads fields and schema
/// keywords that others refuse or read otherwise (`repeat_penalty`, a string's `pattern`
/// matched against its JSON text).
public enum ModelServer: String, Sendable, Equatable, CaseIterable {
    case llamaCpp = "llama.cpp"
    case openAICompatible = "openai"

    /// The kind named in a setting: `llama.cpp` (or `llamacpp`), `openai` (or `other`).
    public init?(setting: String) {
        switch setting.lowercased() {
        case "llama.cpp", "llamacpp", "llama-cpp": self = .llamaCpp
        case "openai", "other": self = .openAICompatible
        default: return nil
        }
    }

    /// The kind assumed when none is set: a server on this machine is llama.cpp, which the
    /// scripts start on any port; anything else is taken for a standard API.
    public static func assumed(for baseURL: String) -> ModelServer {
        LoopbackHost.contains(baseURL) ? .llamaCpp : .openAICompatible
    }
}
