import Synchronization

/// Counts open connections per address, refusing more than `perAddress`.
public final class ConnectionLimiter: Sendable {
    public let perAddress: Int
    private let state = Mutex(State())

    private struct State {
        var counts: [String: Int] = [:]
        var total = 0
        /// Told when the last connection closes.
        var closedWaiters: [CheckedContinuation<Void, Never>] = []
    }

    public init(perAddress: Int) {
        self.perAddress = perAddress
    }

    /// true and counted, or false when the address already holds its share.
    public func open(_ address: String) -> Bool {
        state.withLock { state in
            let count = state.counts[address, default: 0]
            guard count < perAddress else { return false }
            state.counts[address] = count + 1
            state.total += 1
            return true
        }
    }

    public func close(_ address: String) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard let count = state.counts[address] else { return [] }
            state.counts[address] = count > 1 ? count - 1 : nil
            state.total -= 1
            guard state.total == 0 else { return [] }
            defer { state.closedWaiters = [] }
            return state.closedWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    public var total: Int { state.withLock { $0.total } }

    /// Returns once no connection is open.
    public func waitUntilAllClosed() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state -> Bool in
                guard state.total > 0 else { return true }
                state.closedWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}
