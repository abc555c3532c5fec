import FableCore
import FableEngine
import FableLLM

/// One clear line for a failed step, telling the user what to do when it is theirs to fix.
enum Failure {
    static func message(_ error: any Error, llmURL: String) -> String {
        switch error {
        case StepError.model(.unreachable(let url)), ModelError.unreachable(let url):
            let local = url.hasPrefix(LLMConfiguration.localURL)
            return "no language model answers at \(url). "
                + (local ? "Start the local one with `scripts/llm start`, or set FABLE_LLM_URL to an OpenAI-compatible endpoint."
                         : "Check FABLE_LLM_URL (or --llm-url), or start that server.")
        case let error as StepError:
            return error.description
        default:
            return "\(error)"
        }
    }
}
