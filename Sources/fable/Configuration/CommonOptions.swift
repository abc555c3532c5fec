import ArgumentParser
import FableLLM

/// Options every command that talks to the model and the database shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "The SQLite database file or a PostgreSQL URL, postgres://USER@HOST:PORT/DATABASE (env FABLE_DB; default ./fable.sqlite).")
    var db: String?

    @Option(help: """
        When a committed step must be on the disk: every-step (default: each commit waits for its fsync) or \
        every-second (flushed each second off the step's path: a power cut may lose that second, a killed \
        server nothing) (env FABLE_DURABILITY).
        """)
    var durability: String?

    @Option(name: .customLong("llm-url"), help: "OpenAI-compatible base URL, ending in /v1 (env FABLE_LLM_URL or OPENAI_BASE_URL).")
    var llmURL: String?

    @Option(help: "Model name (env FABLE_LLM_MODEL).")
    var model: String?

    @Option(name: .customLong("api-key"), help: "API key (env FABLE_LLM_API_KEY or OPENAI_API_KEY).")
    var apiKey: String?

    @Option(help: "Sampling temperature (env FABLE_LLM_TEMPERATURE).")
    var temperature: Double?

    @Option(name: .customLong("max-tokens"), help: "Most tokens in one reply (env FABLE_LLM_MAX_TOKENS).")
    var maxTokens: Int?

    @Option(help: "Seconds one model call may take (env FABLE_LLM_TIMEOUT).")
    var timeout: Double?

    @Option(help: "A YAML config file (env FABLE_CONFIG; default ./fable.yaml if present).")
    var config: String?

    @OptionGroup var embeddings: EmbeddingsOptions
}

/// Dense retrieval: an OpenAI-compatible embeddings endpoint, by default the local one.
struct EmbeddingsOptions: ParsableArguments {
    @Option(name: .customLong("embeddings-url"),
            help: "OpenAI-compatible embeddings base URL, ending in /v1 (env FABLE_EMBEDDINGS_URL; default the local server of scripts/embeddings, \(EmbeddingsConfiguration.localURL)); none turns dense retrieval off.")
    var url: String?

    @Option(name: .customLong("embeddings-model"),
            help: "Embeddings model name (env FABLE_EMBEDDINGS_MODEL; default multilingual-e5-small).")
    var model: String?

    @Option(name: .customLong("embeddings-prefix"),
            help: "How queries are told from passages: auto, input-type, text or none (env FABLE_EMBEDDINGS_PREFIX; default auto).")
    var prefix: String?
}
