import FableCore
import Foundation

/// A monotonic clock in nanoseconds that every part of `fable load` (the client, the paced
/// stub) reads, so instants taken in different places can be subtracted.
enum MonotonicClock {
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    static func milliseconds(from start: UInt64, to end: UInt64) -> Double {
        end >= start ? Double(end - start) / 1e6 : -Double(start - end) / 1e6
    }
}

extension ContinuousClock.Instant {
    /// Milliseconds from this instant to now.
    var millisecondsToNow: Double { (ContinuousClock.now - self).milliseconds }
}
