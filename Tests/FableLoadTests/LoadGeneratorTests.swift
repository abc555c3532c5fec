import FableCore
import FableEngine
import FableLLM
import FableLoad
import FableServer
import FableStore
import FableStub
import FableTestSupport
import Foundation
import Logging
import Testing

/// A small load run against a real in-process server whose model is the run's own paced stub:
/// every reader logs in, the active ones play, and every passage is matched to the stub's reply.
@Suite(.timeLimit(.minutes(2))) struct LoadGeneratorTests {

    @Test func readersPlayAgainstThePacedStubAndThePassagesAreMatchedToItsReplies() async throws {
        let folder = ScratchFolder.make("fable-load")
        let stories = folder.appendingPathComponent("stories")
        try FileManager.default.createDirectory(at: stories, withIntermediateDirectories: true)
        try TestStories.marsh.write(to: stories.appendingPathComponent("marsh.md"), atomically: true, encoding: .utf8)
        let stub = try await LoadStub.start(port: 0, pacing: StubPacing(tokensPerSecond: 2_000, firstToken: .milliseconds(20),
                                                                         charsPerToken: 4))
        let store = try SQLiteStore(path: folder.appendingPathComponent("fable.sqlite").path)
        let storyteller = Storyteller(store: store, model: OpenAIChatClient(configuration: LLMConfiguration(baseURL: stub.url)))
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.passwordRounds = 16
        configuration.telnet.handshakeTimeout = .milliseconds(300)
        configuration.storiesDirectory = stories.path
        configuration.commandsPerSecond = 1_000
        configuration.commandBurst = 1_000
        var logger = Logger(label: "fable-load-test")
        logger.logLevel = .warning
        let server = GameServer(context: GameContext(store: store, storyteller: storyteller,
                                                     catalog: StoryFolderCatalog(directory: stories.path),
                                                     configuration: configuration, logger: logger))
        let port = try await server.start()

        var plan = LoadPlan()
        plan.port = port
        plan.connections = 3
        plan.active = 2
        plan.turns = 2
        plan.duration = 60
        plan.story = "marsh"
        plan.namePrefix = "load"
        plan.settle = 0
        plan.grace = 30
        plan.checkpointEvery = 0
        let lines = Lines()
        let outcome: LoadOutcome
        do {
            outcome = try await LoadGenerator(plan: plan, stub: stub).run(output: { lines.add($0) }, progress: { _ in })
        } catch {
            await server.shutdown(grace: .milliseconds(100))
            await stub.stop()
            throw error
        }
        await server.shutdown(grace: .milliseconds(100))
        await stub.stop()

        let f = outcome.figures
        #expect(outcome.isClean, "\(lines.text)")
        #expect(f.connected == 3 && f.loggedIn == 3 && f.connectFailures == 0)
        #expect(f.openings == 2 && f.turns == 4)
        // Every step's passage named a reply of the stub, whose marks give the server's share.
        #expect(f.unmatched == 0, "\(lines.text)")
        #expect(f.serverAdded.count == 6 && f.serverAddedWord.count == 6)
        #expect(f.toModel.count == 4)
        #expect(f.serverAdded.values.allSatisfy { $0 >= 0 })
        #expect(outcome.stub?.requests == 6 && outcome.stub?.completed == 6)
        #expect(lines.text.contains("- steps: 2 openings + 4 turns"), "\(lines.text)")
        #expect(lines.text.contains("- stub: 6 requests, 6 streamed whole, 0 cut by the client"), "\(lines.text)")
        for number in 0..<3 {
            let account = try #require(try await store.account(name: "load\(number)"))
            #expect(try await store.worlds(ownerID: account.id).count == (number < 2 ? 1 : 0))
        }
    }
}

/// The report's lines as they come.
private final class Lines: @unchecked Sendable {
    private var lines: [String] = []
    func add(_ line: String) { lines.append(line) }
    var text: String { lines.joined(separator: "\n") }
}
