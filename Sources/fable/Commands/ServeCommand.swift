import ArgumentParser
import Dispatch
import FableCore
import FableServer
import FableStorePostgres
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

    @Option(name: .customLong("tls-port"), help: """
        Also serve telnet over TLS on this port (env FABLE_TLS_PORT, config tls_port; default: no TLS \
        listener; 0 picks a free one; off turns it off).
        """)
    var tlsPort: String?

    @Option(help: """
        The TLS listener's certificate chain, PEM, the server's certificate first (env FABLE_TLS_CERT, config \
        tls_cert; default: a self-signed one made on the first start and kept beside the database, or in the \
        current folder with PostgreSQL).
        """)
    var cert: String?

    @Option(help: "The private key of --cert, PEM, without a passphrase (env FABLE_TLS_KEY, config tls_key).")
    var key: String?

    @Option(name: .customLong("http-port"), help: """
        Serve the web client (a page and its WebSocket) on this port (env FABLE_HTTP_PORT, config http_port; \
        default: the telnet port + 80, 4080 beside 4000, or a free one when --port is 0; off turns it off).
        """)
    var httpPort: String?

    @Option(name: .customLong("https-port"), help: """
        Also serve the web client over HTTPS and WSS on this port, with the TLS listener's certificate \
        (env FABLE_HTTPS_PORT, config https_port; default: none; needs --tls-port).
        """)
    var httpsPort: String?

    @Option(name: .customLong("presence-timeout"), help: """
        With several front ends on one PostgreSQL database: seconds after which a front end that has \
        stopped announcing itself (killed) and its readers drop out of the others' @who (at least 3).
        """)
    var presenceTimeout = 30

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let runtime: Runtime
        let tls: TLSListenerConfiguration?
        let web: WebSettings?
        do {
            runtime = try await Runtime(common)
            tls = try TLSSettings.resolve(port: tlsPort, certificate: cert, key: key, config: common.config)
                .map { try listener($0, database: StoreOpener.localPath(for: runtime.settings.databasePath)) }
            web = try WebSettings.resolve(port: httpPort, securePort: httpsPort, telnetPort: port, hasTLS: tls != nil,
                                          config: common.config)
        } catch {
            throw ValidationError("\(error)")
        }
        guard presenceTimeout >= 3 else { throw ValidationError("--presence-timeout is at least 3 seconds") }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var configuration = ServerConfiguration()
        configuration.tls = tls
        configuration.web = web.map { WebListenerConfiguration(port: $0.port, securePort: $0.securePort) }
        configuration.host = host
        configuration.port = port
        configuration.storiesDirectory = stories
        configuration.concurrentGenerations = maxGenerations
        configuration.passwordRounds = passwordRounds
        configuration.connectionsPerAddress = connectionsPerAddress
        configuration.loginIdleTimeout = .seconds(loginTimeout)
        configuration.shutdownGrace = .seconds(shutdownGrace)
        // A third of the time-out: a front end alive misses two heartbeats before it seems gone.
        configuration.presenceHeartbeat = .seconds(min(5, presenceTimeout / 3))
        let context = GameContext(store: runtime.store, storyteller: runtime.storyteller,
                                  catalog: StoryFolderCatalog(directory: stories), configuration: configuration,
                                  logger: Logger(label: "fable"), frontEnds: frontEnds(runtime))
        let server = GameServer(context: context)
        let bound = try await server.start()
        // Before anything is printed: a script that reads the lines below may stop the server at once.
        let signals = Self.onTermination { Task { await server.shutdown() } }
        // Printed for people and scripts (tests start the server on port 0 and read this line).
        Console.out("fable: serving on \(host):\(bound) (model \(runtime.settings.llm.baseURL), database \(StoreOpener.describe(runtime.settings.databasePath)))\n")
        if context.frontEnds is PostgresFrontEndBus {
            // @who marks readers on other front ends with their id: this says which process is which.
            Console.out("fable: front end \(context.frontEnds.frontEndID): readers, @who, @boot and @broadcast are shared "
                        + "with the other front ends on this database\n")
        }
        if let tls, let tlsBound = await server.tlsPort {
            Self.announce(tls.identity, host: host, port: tlsBound, logger: context.logger)
        }
        if let webBound = await server.webPort {
            Console.out("fable: web client at http://\(Self.urlHost(host)):\(webBound)/\n")
        }
        if let secureBound = await server.secureWebPort {
            Console.out("fable: web client at https://\(Self.urlHost(host)):\(secureBound)/\n")
        }
        let llm = runtime.settings.llm
        Console.out("fable: model \(llm.model) at \(llm.baseURL), served by \(llm.server.rawValue)"
                    + (llm.repeatPenalty.map { " (repeat penalty \($0))" } ?? "") + "\n")
        let dense = await runtime.storyteller.retriever.probe()
        Console.out("fable: long-term search: \(dense)"
                    + (runtime.settings.embeddings.map { dense == .off ? "" : " [\($0.baseURL)]" } ?? "") + "\n")
        await server.wait()
        await runtime.storyteller.finishIndexing(within: .seconds(shutdownGrace))
        signals.forEach { $0.cancel() }
    }

    /// The other front ends on the same database: on PostgreSQL, any `fable serve` started with
    /// the same URL; a SQLite file has one server.
    private func frontEnds(_ runtime: Runtime) -> any FrontEndBus {
        guard let store = runtime.store as? PostgresStore else { return InProcessFrontEndBus() }
        return PostgresFrontEndBus(store: store, presenceTimeout: .seconds(presenceTimeout))
    }

    /// The TLS listener: the admin's certificate, or the self-signed one kept beside the database
    /// (made now if there is none), valid for this machine's name and the host listened on.
    private func listener(_ settings: TLSSettings, database: String) throws -> TLSListenerConfiguration {
        let identity: TLSIdentity
        if let certificate = settings.certificate, let key = settings.key {
            identity = try TLSIdentity.files(certificate: certificate, key: key)
        } else {
            let machine = Self.machineName()
            let wildcard = ["", "0.0.0.0", "::", "*"].contains(host)
            identity = try TLSIdentity.selfSigned(beside: database, commonName: machine ?? "fable",
                                                  names: [machine, wildcard ? nil : host].compactMap { $0 })
        }
        return TLSListenerConfiguration(port: settings.port, identity: identity)
    }

    /// Printed for people, who compare the fingerprint with what their client shows, and for
    /// scripts (tests read the port from the first line).
    private static func announce(_ identity: TLSIdentity, host: String, port: Int, logger: Logger) {
        let origin = switch identity.origin {
        case .given: "given"
        case .made: "self-signed, made now"
        case .kept: "self-signed, kept from an earlier start"
        case .renewed: "self-signed, made now in place of one that had expired"
        }
        Console.out("fable: serving TLS on \(host):\(port) (certificate \(identity.certificatePath), \(origin); "
                    + "key \(identity.keyPath))\n")
        Console.out("fable: TLS certificate SHA-256 fingerprint \(identity.fingerprint)\n")
        if let warning = identity.warning {
            Console.err("fable: \(warning)\n")
            logger.warning("\(warning)")
        }
    }

    /// The host as a URL writes it: an IPv6 address in brackets, a wildcard address as the
    /// machine's own (the page is opened from here).
    private static func urlHost(_ host: String) -> String {
        if ["", "0.0.0.0", "*"].contains(host) { return "127.0.0.1" }
        if host == "::" { return "[::1]" }
        return host.contains(":") ? "[\(host)]" : host
    }

    /// This machine's host name, as `hostname` prints it.
    private static func machineName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
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
