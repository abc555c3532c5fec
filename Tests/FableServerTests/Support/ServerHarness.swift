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

    /// Starts the server; the stories folder holds `marsh.md`, `heron.md` and `stories`
    /// (file name: text). The caller must `stop()` it: `with` does.
    private static func start(chunkDelay: Duration = .zero, firstChunkDelay: Duration = .zero,
                      stories extraStories: [String: String] = [:],
                      configure: (inout ServerConfiguration) -> Void = { _ in },
                      script: StubScript? = nil,
                      frontEnds: any FrontEndBus = InProcessFrontEndBus()) async throws -> ServerHarness {
        let folder = ScratchFolder.make("fable-server")
        let stories = folder.appendingPathComponent("stories")
        try FileManager.default.createDirectory(at: stories, withIntermediateDirectories: true)
        try TestStories.marsh.write(to: stories.appendingPathComponent("marsh.md"), atomically: true, encoding: .utf8)
        try askingStory.write(to: stories.appendingPathComponent("heron.md"), atomically: true, encoding: .utf8)
        for (name, text) in extraStories {
            try text.write(to: stories.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
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
                                  configuration: configuration, logger: logger, frontEnds: frontEnds)
        let server = GameServer(context: context)
        let port = try await server.start()
        return ServerHarness(stub: stub, server: server, store: store, port: port, folder: folder)
    }

    /// Starts a harness, runs `body` with it, and stops it however `body` ends, waiting for
    /// the server, the stub and the temporary folder to be gone: a test leaves nothing running
    /// that could answer the next one, and nothing on disk.
    static func with<Result>(chunkDelay: Duration = .zero, firstChunkDelay: Duration = .zero,
                             stories: [String: String] = [:],
                             configure: (inout ServerConfiguration) -> Void = { _ in },
                             script: StubScript? = nil,
                             frontEnds: any FrontEndBus = InProcessFrontEndBus(),
                             _ body: (ServerHarness) async throws -> Result) async throws -> Result {
        let harness = try await start(chunkDelay: chunkDelay, firstChunkDelay: firstChunkDelay, stories: stories,
                                      configure: configure, script: script, frontEnds: frontEnds)
        do {
            let result = try await body(harness)
            await harness.stop()
            return result
        } catch {
            await harness.stop()
            throw error
        }
    }

    /// Waits until `count` steps have ended (kept, failed or cancelled) and the stub has no
    /// stream left open, then returns the server's figures: a step's outcome is settled, not
    /// still on its way, when a test looks at the store.
    func stepsEnded(_ count: Int, timeout: Duration = .seconds(30)) async throws -> StepStatistics.Snapshot {
        let deadline = ContinuousClock.now + timeout
        while true {
            let figures = await server.context.statistics.snapshot
            if figures.committed + figures.failed + figures.cancelled >= count, stub.streams.open == 0 { return figures }
            guard ContinuousClock.now < deadline else {
                throw Unsettled(figures: figures, streams: stub.streams)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    struct Unsettled: Error, CustomStringConvertible {
        var figures: StepStatistics.Snapshot
        var streams: StreamTally
        var description: String {
            "steps still running: \(figures.committed) kept, \(figures.failed) failed, \(figures.cancelled) cancelled; "
                + "stub streams \(streams)"
        }
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
