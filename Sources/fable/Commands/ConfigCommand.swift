import ArgumentParser
import FableLLM

/// `fable config`: the settings a command would run with, after flags, the environment, the
/// config file and the defaults. `scripts/run` asks it which model to start.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show the settings Fable would run with (flags, then environment, then fable.yaml, then defaults).",
        discussion: "The API key is never printed, only whether one is set.")

    @Option(help: "Print one setting's value only: llm.url, llm.model, llm.server, llm.repeat_penalty, embeddings.url, db.")
    var get: String?

    @OptionGroup var common: CommonOptions

    /// Another command's own flags (`serve --port 4000`), so a script can pass a whole command
    /// line and get the settings that command would use.
    @Argument(parsing: .allUnrecognized, help: .hidden)
    var otherFlags: [String] = []

    func run() throws {
        let settings: Settings
        do {
            settings = try Settings.resolve(common)
        } catch {
            throw ValidationError("\(error)")
        }
        let values: KeyValuePairs<String, String> = [
            "llm.url": settings.llm.baseURL,
            "llm.model": settings.llm.model,
            "llm.server": settings.llm.server.rawValue,
            "llm.api_key": settings.llm.apiKey == nil ? "(not set)" : "(set)",
            "llm.repeat_penalty": settings.llm.repeatPenalty.map { "\($0)" } ?? "none",
            "llm.reply_retries": "\(settings.replyRetries)",
            "embeddings.url": settings.embeddings?.baseURL ?? "none",
            "db": StoreOpener.describe(settings.databasePath),
        ]
        if let get {
            guard let value = values.first(where: { $0.key == get })?.value else {
                throw ValidationError("no setting \(get); the settings are " + values.map(\.key).joined(separator: ", "))
            }
            print(value)
            return
        }
        for (key, value) in values { print("\(key): \(value)") }
    }
}
