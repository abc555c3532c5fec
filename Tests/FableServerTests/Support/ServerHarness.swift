import FableTestSupport
import FableCore
import FableEngine
import FableLLM
import FableServer
import FableStore
import FableStub
import Foundation
import Logging

/// A real game server on a free port, with a real SQLite file and the scripted stub LLM
/// behind a real HTTP socket.
struct ServerHarness {
    let stub: StubLLMServer
    let server: GameServer
    let store: SQLiteStore
    let port: Int
    let folder: URL

    static let story = """
        ---
        title: The Marsh Bell
        genre: fantasy
        mode: adventure
        language: en
        ---
        A bell is lost somewhere in the marsh kingdom, and winter is coming.
        """

    /// A story that asks a question before it starts.
    static let askingStory = """
        ---
        title: The Heron's Errand
        genre: fantasy
        questions:
          - name: hero
            prompt: What is your name, traveller?
            default: Wren
          - name: season
            prompt: Which season is it?
            choices: [spring, autumn]
            default: autumn
        ---
        ${hero} sets out across the marsh in ${season} to carry a message for the heron queen.
        """

    static func start(chunkDelay: Duration = .zero, firstChunkDelay: Duration = .zero,
                      configure: (inout ServerConfiguration) -> Void = { _ in },
                      script: StubScript? = nil) async throws -> ServerHarness {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fable-server-\(UUID().uuidString)")
        let stories = folder.appendingPathComponent("stories")
        try FileManager.default.createDirectory(at: stories, withIntermediateDirectories: true)
        try story.write(to: stories.appendingPathComponent("marsh.md"), atomically: true, encoding: .utf8)
        try askingStory.write(to: stories.appendingPathComponent("heron.md"), atomically: true, encoding: .utf8)
        let stub = try await StubLLMServer.start(script: script ?? StubStoryteller().script(
            chunkDelay: chunkDelay, firstChunkDelay: firstChunkDelay))
        let store = try SQLiteStore(path: folder.appendingPathComponent("fable.sqlite").path)
        var llm = LLMConfiguration(baseURL: stub.url)
        llm.requestTimeout = 20
        let storyteller = Storyteller(store: store, model: OpenAIChatClient(configuration: llm),
                                      retryPolicy: RetryPolicy(transientRetries: 1, baseDelay: .milliseconds(1),
                                                               maxDelay: .milliseconds(5)))
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.passwordRounds = 16
        configuration.telnet.handshakeTimeout = .milliseconds(300)
        configuration.storiesDirectory = stories.path
        configuration.shutdownGrace = .seconds(3)
        // Tests type faster than people: on a fast machine a test's lines outran the default
        // 4 a second (burst 12) and were dropped. The limit has tests of its own.
        configuration.commandsPerSecond = 1_000
        configuration.commandBurst = 1_000
        configure(&configuration)
        var logger = Logger(label: "fable-test")
        logger.logLevel = .warning
        let context = GameContext(store: store, storyteller: storyteller,
                                  catalog: StoryFolderCatalog(directory: configuration.storiesDirectory),
                                  configuration: configuration, logger: logger)
        let server = GameServer(context: context)
        let port = try await server.start()
        return ServerHarness(stub: stub, server: server, store: store, port: port, folder: folder)
    }

    func connect() async throws -> LineClient {
        try await LineClient.connect(port: port)
    }

    /// Connects and logs in (creating the reader if `create`).
    func login(_ name: String, password: String = "secret1", create: Bool = true) async throws -> LineClient {
        let client = try await connect()
        try await client.waitFor("Name: ")
        try await client.say("\(create ? "create" : "connect") \(name) \(password)", expect: "> ")
        return client
    }

    func stop() async {
        await server.shutdown(grace: .milliseconds(100))
        await stub.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
