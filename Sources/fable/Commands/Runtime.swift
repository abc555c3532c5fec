import FableCore
import FableEngine
import FableLLM
import FableStore

/// What a command needs to play: the settings, the store, the model and the storyteller.
struct Runtime {
    let settings: Settings
    let store: any StoreOpener.Store
    let storyteller: Storyteller

    init(_ options: CommonOptions) async throws {
        var settings = try Settings.resolve(options)
        await settings.identifyModelServer()
        self.settings = settings
        store = try await StoreOpener.open(settings.databasePath, durability: settings.durability)
        storyteller = Storyteller(store: store, model: OpenAIChatClient(configuration: settings.llm),
                                  settings: StorySettings(maxReplyRetries: settings.replyRetries,
                                                          constrainReplyLengths: settings.schemaLimits),
                                  embedder: settings.embeddings.map(OpenAIEmbeddingsClient.init),
                                  denseStatusChanged: { status in Console.err("fable: long-term search: \(status)\n") })
    }

    func failure(_ error: any Error) -> String {
        Failure.message(error, llmURL: settings.llm.baseURL)
    }
}
