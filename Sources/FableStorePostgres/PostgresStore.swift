import FableCore
import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The store on a PostgreSQL server, behind the same ports as the SQLite store: several
/// `fable serve` front ends can share it. postgres-nio's `PostgresClient` pools the connections;
/// every change is one transaction, and a step's commit checks the world's head under a row lock
/// (`SELECT … FOR UPDATE`), so two front ends never both write the step after the same head.
public final class PostgresStore: StoryStore, Sendable {
    public let location: PostgresLocation
    let client: PostgresClient
    let logger: Logger
    /// Whether a commit waits for the server's log flush (`synchronous_commit`).
    public let waitsForFlush: Bool
    /// The client's pool runs on this task until `close`.
    private let running: Task<Void, Never>
    /// Each world's vectors in memory, for dense search.
    let vectorCache = VectorCache()
    /// Each world's step tree, for the branch rule and BM25's statistics.
    let trees = BranchTrees()
    /// This store's id among the processes on the database, chosen at random when it opens: the
    /// sender of its notifications, and a `fable serve` front end's id (`PostgresFrontEndBus`).
    public let instanceID = FrontEndID.random()

    /// Connects (a first connection says clearly why it failed), brings the schema up to date,
    /// then starts the pool. `waitForFlush` false (`--durability every-second`) commits with
    /// `synchronous_commit = off`: a commit returns before the server has flushed its log, and
    /// a crash of the server (not of fable) may lose the last few hundred milliseconds.
    public static func open(_ location: PostgresLocation, maxConnections: Int = 20,
                            waitForFlush: Bool = true) async throws -> PostgresStore {
        var logger = Logger(label: "fable.postgres")
        // The pool's own notices (a lease asked for while its task starts) are no operator's
        // concern; its errors reach the callers as thrown errors.
        logger.logLevel = .error
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: location.connectionConfiguration(),
                                                              id: 0, logger: logger)
        } catch {
            throw PostgresStoreError.cannotConnect(location.description, PostgresStoreError.reason(error))
        }
        do {
            try await PostgresSchema.migrate(connection, logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
        return PostgresStore(location: location, maxConnections: maxConnections, waitForFlush: waitForFlush, logger: logger)
    }

    private init(location: PostgresLocation, maxConnections: Int, waitForFlush: Bool, logger: Logger) {
        self.location = location
        self.logger = logger
        waitsForFlush = waitForFlush
        var options = PostgresClient.Configuration.Options()
        options.maximumConnections = maxConnections
        options.minimumConnections = 1
        if !waitForFlush { options.additionalStartupParameters = [("synchronous_commit", "off")] }
        var configuration = location.clientConfiguration()
        configuration.options = options
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
    }

    /// Closes the pool's connections.
    public func close() async {
        running.cancel()
        _ = await running.value
    }

    /// `body` in one transaction; an error inside it rolls it back and is thrown as it was
    /// (postgres-nio wraps it, with the rollback's own outcome).
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError { throw inner }
            if let inner = error.commitError ?? error.beginError { throw inner }
            throw error
        }
    }

    /// The rows of one query, each read by `read` (reads that need no transaction of their own).
    func rows<T>(_ query: PostgresQuery, _ read: (PostgresRandomAccessRow) throws -> T) async throws -> [T] {
        var result: [T] = []
        for try await row in try await client.query(query, logger: logger) {
            result.append(try read(row.makeRandomAccess()))
        }
        return result
    }
}

extension PostgresConnection {
    /// The rows of one query on this connection (inside a transaction).
    func rows<T>(_ query: PostgresQuery, logger: Logger, _ read: (PostgresRandomAccessRow) throws -> T) async throws -> [T] {
        var result: [T] = []
        for try await row in try await self.query(query, logger: logger) {
            result.append(try read(row.makeRandomAccess()))
        }
        return result
    }
}

extension PostgresLocation {
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        return PostgresConnection.Configuration(host: host, port: port, username: username, password: password,
                                                database: database, tls: tls)
    }

    func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        return PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                            database: database, tls: tls)
    }
}
