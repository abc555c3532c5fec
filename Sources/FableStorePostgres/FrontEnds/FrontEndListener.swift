import FableCore
import Logging
import PostgresNIO

/// The bus's own connection, `LISTEN`ing on the front ends' channel (a pooled connection would
/// go back to the pool, and its `LISTEN` with it). Should the connection drop, it connects again
/// every second, and forgets every world's vectors in memory: what was notified meanwhile is lost.
struct FrontEndListener: Sendable {
    let store: PostgresStore
    let handler: @Sendable (FrontEndEvent) async -> Void

    /// Says once whether the first `LISTEN` took: the front end does not serve before it has.
    struct Ready: Sendable {
        private let signal: AsyncThrowingStream<Void, any Error>
        private let continuation: AsyncThrowingStream<Void, any Error>.Continuation

        init() {
            (signal, continuation) = AsyncThrowingStream.makeStream(of: Void.self)
        }

        func succeed() {
            continuation.yield()
            continuation.finish()
        }

        func fail(_ error: any Error) {
            continuation.finish(throwing: error)
        }

        func wait() async throws {
            for try await _ in signal { return }
            throw CancellationError()
        }
    }

    func run(ready: Ready) async {
        var listened = false
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: store.location.connectionConfiguration(), id: 1, logger: store.logger)
                do {
                    try await connection.listen(on: BusMessage.channel) { notifications in
                        if listened { store.vectorCache.forgetAll() }
                        listened = true
                        ready.succeed()
                        for try await notification in notifications { await receive(notification.payload) }
                    }
                } catch {
                    if !listened {
                        try? await connection.close()
                        throw error
                    }
                    store.logger.error("lost the front ends' channel", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await connection.close()
            } catch {
                if !listened {
                    ready.fail(PostgresStoreError.cannotConnect(store.location.description, PostgresStoreError.reason(error)))
                    return
                }
                store.logger.error("cannot listen to the other front ends", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
        ready.fail(CancellationError())
    }

    /// One notification: the other front ends' (this one's own come back too, and are skipped).
    private func receive(_ payload: String) async {
        guard let message = BusMessage.read(payload), message.from != store.instanceID else { return }
        if let world = message.vectorsOfWorld { store.vectorCache.forget(worldID: world) }
        if let event = message.event { await handler(event) }
    }
}
