/// The server-wide cap on concurrent LLM calls, and the one count of steps being written.
/// Readers beyond the cap wait in a fair FIFO queue and are told their place each time it
/// changes. On shutdown it closes: no step starts, and shutdown waits for it to go idle.
public actor GenerationQueue {
    public let capacity: Int
    private var running = 0
    private var waiting: [Waiter] = []
    private var idleWaiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var nextID: UInt64 = 0
    /// Set on shutdown: no new step may start.
    public private(set) var isClosed = false

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
        let onPlace: @Sendable (Int) -> Void
    }

    /// Why a step could not start.
    public struct Closed: Error {}

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Waits for a slot. `onPlace` hears the reader's place (1 = next) while they wait.
    /// Throws `CancellationError` if the task is cancelled while waiting, `Closed` once the
    /// server is shutting down.
    public func acquire(onPlace: @escaping @Sendable (Int) -> Void) async throws {
        guard !isClosed else { throw Closed() }
        if running < capacity && waiting.isEmpty {
            running += 1
            return
        }
        let id = takeID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                    return
                }
                waiting.append(Waiter(id: id, continuation: continuation, onPlace: onPlace))
                onPlace(waiting.count)
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    /// Gives the slot to the first in line, or frees it.
    public func release() {
        if waiting.isEmpty {
            running = max(0, running - 1)
            if running == 0 { wakeIdleWaiters() }
        } else {
            waiting.removeFirst().continuation.resume()
            announcePlaces()
        }
    }

    public var inFlight: Int { running }
    public var queued: Int { waiting.count }

    /// No step starts from now on; readers waiting in line are told the server is closing.
    public func close() {
        isClosed = true
        for waiter in waiting { waiter.continuation.resume(throwing: Closed()) }
        waiting = []
    }

    /// Returns when no step is being written, or when the task is cancelled.
    public func waitUntilIdle() async {
        guard running > 0 else { return }
        let id = takeID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if Task.isCancelled || running == 0 {
                    continuation.resume()
                } else {
                    idleWaiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.stopWaiting(id) }
        }
    }

    private func takeID() -> UInt64 {
        nextID += 1
        return nextID
    }

    private func stopWaiting(_ id: UInt64) {
        idleWaiters.removeValue(forKey: id)?.resume()
    }

    private func wakeIdleWaiters() {
        let waiters = idleWaiters.values
        idleWaiters = [:]
        for waiter in waiters { waiter.resume() }
    }

    private func cancel(_ id: UInt64) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: CancellationError())
        announcePlaces()
    }

    private func announcePlaces() {
        for (index, waiter) in waiting.enumerated() { waiter.onPlace(index + 1) }
    }
}
