/// A `ContinuousClock` instant as nanoseconds since a process-wide origin, so that it fits an
/// `Atomic` and can be read without a task or an actor hop.
enum Moment {
    static let origin = ContinuousClock.now

    static func now() -> Int64 { nanoseconds(since: .now) }

    static func nanoseconds(since instant: ContinuousClock.Instant) -> Int64 {
        nanoseconds(instant - origin)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    static func instant(_ nanoseconds: Int64) -> ContinuousClock.Instant {
        origin + .nanoseconds(nanoseconds)
    }
}
