import FableCore
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Front ends on one PostgreSQL database reach each other here: events go out with `NOTIFY` on
/// one channel (`BusMessage`) and come in on a connection of the bus's own that `LISTEN`s to it;
/// who is connected where is a table each front end rewrites at every announcement, with its
/// heartbeat beside it, so a front end killed without a word drops out of `@who` once its
/// heartbeat is older than `presenceTimeout`.
public final class PostgresFrontEndBus: FrontEndBus {
    public var frontEndID: String { store.instanceID }
    public let presenceTimeout: Duration
    private let store: PostgresStore
    private let listener: Mutex<Task<Void, Never>?> = Mutex(nil)
    private var logger: Logger { store.logger }

    public init(store: PostgresStore, presenceTimeout: Duration = .seconds(30)) {
        self.store = store
        self.presenceTimeout = presenceTimeout
    }

    private var timeoutSeconds: Double { Double(presenceTimeout.components.seconds) + Double(presenceTimeout.components.attoseconds) / 1e18 }

    public func start(receiving handler: @escaping @Sendable (FrontEndEvent) async -> Void) async throws {
        let ready = FrontEndListener.Ready()
        let listening = FrontEndListener(store: store, handler: handler)
        let task = Task { await listening.run(ready: ready) }
        listener.withLock { $0 = task }
        do {
            try await ready.wait()
        } catch {
            task.cancel()
            throw error
        }
        await announce([])
    }

    public func publish(_ event: FrontEndEvent) async {
        let payload = BusMessage(from: frontEndID, event: event).payload()
        do {
            try await store.client.query("SELECT pg_notify(\(BusMessage.channel), \(payload))", logger: logger)
        } catch {
            store.logger.error("could not tell the other front ends", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    public func announce(_ readers: [PresentReader]) async {
        let id = frontEndID
        let timeout = timeoutSeconds
        do {
            try await store.transaction { connection in
                try await connection.query("""
                    INSERT INTO front_end(id) VALUES (\(id)) ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()
                    """, logger: logger)
                try await connection.query("DELETE FROM front_end_reader WHERE front_end = \(id)", logger: logger)
                if !readers.isEmpty {
                    try await connection.query("""
                        INSERT INTO front_end_reader(front_end, name, address, connected_at, last_input, activity)
                        SELECT \(id), * FROM unnest(\(readers.map(\.name))::text[], \(readers.map(\.address))::text[],
                            \(readers.map(\.connectedAt))::timestamptz[], \(readers.map(\.lastInput))::timestamptz[],
                            \(readers.map(\.activity))::text[])
                        """, logger: logger)
                }
                // Front ends gone silent (killed) take their readers with them.
                try await connection.query("""
                    DELETE FROM front_end WHERE heartbeat_at < now() - make_interval(secs => \(timeout))
                    """, logger: logger)
            }
        } catch {
            store.logger.error("could not announce this front end's readers", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    public func remoteReaders() async -> [PresentReader] {
        do {
            return try await store.rows("""
                SELECT r.name, r.address, r.connected_at, r.last_input, r.activity, r.front_end
                FROM front_end_reader r JOIN front_end f ON f.id = r.front_end
                WHERE f.id <> \(frontEndID) AND f.heartbeat_at >= now() - make_interval(secs => \(timeoutSeconds))
                """) { row in
                PresentReader(name: try row[0].decode(String.self), address: try row[1].decode(String.self),
                              connectedAt: try row[2].decode(Date.self), lastInput: try row[3].decode(Date.self),
                              activity: try row[4].decode(String.self), frontEnd: try row[5].decode(String.self))
            }
        } catch {
            store.logger.error("could not read the other front ends' readers", metadata: ["error": "\(String(reflecting: error))"])
            return []
        }
    }

    public func stop() async {
        let task = listener.withLock { task in
            defer { task = nil }
            return task
        }
        task?.cancel()
        await task?.value
        do {
            try await store.client.query("DELETE FROM front_end WHERE id = \(frontEndID)", logger: logger)
        } catch {
            store.logger.error("could not take this front end out of the others' view", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}
