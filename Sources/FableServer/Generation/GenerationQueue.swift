/// The server-wide cap on concurrent LLM calls. Readers beyond it wait in a fair FIFO
/// queue and are told their place each time it changes.
public actor GenerationQueue {
    public let capacity: Int
    private var running = 0
    private var waiting: [Waiter] = []
    private var nextID: UInt64 = 0

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
        let onPlace: @Sendable (Int) -> Void
    }

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Waits for a slot. `onPlace` hears the reader's place (1 = next) while they wait.
    /// Throws `CancellationError` if the task is cancelled while waiting.
    public func acquire(onPlace: @escaping @Sendable (Int) -> Void) async throws {
        if running < capacity && waiting.isEmpty {
            running += 1
            return
        }
        let id = nextID
        nextID += 1
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
        } else {
            waiting.removeFirst().continuation.resume()
            announcePlaces()
        }
    }

    public var inFlight: Int { running }
    public var queued: Int { waiting.count }

    private func cancel(_ id: UInt64) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        waiting.remove(at: index).continuation.resume(throwing: CancellationError())
        announcePlaces()
    }

    private func announcePlaces() {
        for (index, waiter) in waiting.enumerated() { waiter.onPlace(index + 1) }
    }
}
