import ArgumentParser
import Dispatch
import FableServer
import Foundation
import Logging

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the telnet game server: readers connect with `telnet HOST PORT` or `nc HOST PORT`.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one and prints it).")
    var port = 4000

    @Option(help: "The folder of story files.")
    var stories = "stories"

    @Option(name: .customLong("max-generations"), help: "Most LLM calls at once, server-wide; further readers queue.")
    var maxGenerations = 2

    @Option(name: .customLong("connections-per-address"), help: "Most open connections from one address.")
    var connectionsPerAddress = 8

    @Option(name: .customLong("login-timeout"), help: "Seconds a connection may take to log in.")
    var loginTimeout = 120

    @Option(name: .customLong("password-rounds"), help: "scrypt cost (N) for new passwords.")
    var passwordRounds = 16384

    @Option(name: .customLong("shutdown-grace"), help: "Seconds steps being written get to finish on shutdown.")
    var shutdownGrace = 5

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let runtime: Runtime
        do {
            runtime = try Runtime(common)
        } catch {
            throw ValidationError("\(error)")
        }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.storiesDirectory = stories
        configuration.concurrentGenerations = maxGenerations
        configuration.passwordRounds = passwordRounds
        configuration.connectionsPerAddress = connectionsPerAddress
        configuration.loginIdleTimeout = .seconds(loginTimeout)
        configuration.shutdownGrace = .seconds(shutdownGrace)
        let context = GameContext(store: runtime.store, storyteller: runtime.storyteller,
                                  catalog: StoryFolderCatalog(directory: stories), configuration: configuration,
                                  logger: Logger(label: "fable"))
        let server = GameServer(context: context)
        let bound = try await server.start()
        // Printed for people and scripts (tests start the server on port 0 and read this line).
        Console.out("fable: serving on \(host):\(bound) (model \(runtime.settings.llm.baseURL), database \(runtime.settings.databasePath))\n")
        let dense = await runtime.storyteller.retriever.probe()
        Console.out("fable: long-term search: \(dense)"
                    + (runtime.settings.embeddings.map { dense == .off ? "" : " [\($0.baseURL)]" } ?? "") + "\n")
        let signals = Self.onTermination { Task { await server.shutdown() } }
        await server.wait()
        signals.forEach { $0.cancel() }
    }

    /// SIGINT and SIGTERM start a graceful shutdown instead of killing the process.
    private static func onTermination(_ handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }
}
