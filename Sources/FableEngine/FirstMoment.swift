import Synchronization

/// Remembers the first time something happened, from whichever task sees it first.
final class FirstMoment: Sendable {
    private let moment = Mutex<ContinuousClock.Instant?>(nil)

    func mark() {
        moment.withLock { if $0 == nil { $0 = .now } }
    }

    var instant: ContinuousClock.Instant? { moment.withLock { $0 } }
}

extension Duration {
    var milliseconds: Int {
        Int(components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000)
    }
}
