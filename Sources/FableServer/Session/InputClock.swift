import Foundation
import Synchronization

/// When a reader last sent a line, as an atomic the session sets on every line and others
/// read without a task or an actor hop: ticks (login time-out) and `who`.
final class InputClock: Sendable {
    private let at = Atomic<Int64>(Moment.now())

    func touch() { at.store(Moment.now(), ordering: .relaxed) }

    var last: ContinuousClock.Instant { Moment.instant(nanoseconds) }
    var nanoseconds: Int64 { at.load(ordering: .relaxed) }

    /// The same moment on the wall clock, for display.
    var lastDate: Date {
        Date(timeIntervalSinceNow: -Double(Moment.now() - nanoseconds) / 1_000_000_000)
    }
}
