import Synchronization

/// Counts open connections per address, refusing more than `perAddress`.
public final class ConnectionLimiter: Sendable {
    public let perAddress: Int
    private let counts = Mutex<[String: Int]>([:])

    public init(perAddress: Int) {
        self.perAddress = perAddress
    }

    /// true and counted, or false when the address already holds its share.
    public func open(_ address: String) -> Bool {
        counts.withLock { counts in
            let count = counts[address, default: 0]
            guard count < perAddress else { return false }
            counts[address] = count + 1
            return true
        }
    }

    public func close(_ address: String) {
        counts.withLock { counts in
            let count = counts[address, default: 0] - 1
            counts[address] = count > 0 ? count : nil
        }
    }

    public var total: Int { counts.withLock { $0.values.reduce(0, +) } }
}
