import FableCore
import Synchronization

/// Stops calling a model endpoint that is down: after `threshold` failed calls in a row
/// (unreachable, timed out, 5xx), calls are refused for `coolDown`; then one call is let
/// through to try it, and its outcome closes the circuit or opens it again. Shared by every
/// reader of one storyteller, so one outage costs a few calls, not one per reader per retry.
public final class CircuitBreaker: Sendable {
    public let threshold: Int
    public let coolDown: Duration

    private struct State {
        var failures = 0
        var openUntil: ContinuousClock.Instant?
        var trialInFlight = false
    }

    private let state = Mutex(State())

    public init(threshold: Int = 3, coolDown: Duration = .seconds(30)) {
        self.threshold = max(1, threshold)
        self.coolDown = coolDown
    }

    /// nil if a call may go ahead; otherwise how long until the endpoint is tried again.
    public func refusal(now: ContinuousClock.Instant = .now) -> Duration? {
        state.withLock { state in
            guard let openUntil = state.openUntil else { return nil }
            if now < openUntil { return openUntil - now }
            // Half-open: one trial call at a time.
            if state.trialInFlight { return coolDown }
            state.trialInFlight = true
            return nil
        }
    }

    public func succeeded() {
        state.withLock { $0 = State() }
    }

    public func failed(_ error: ModelError, now: ContinuousClock.Instant = .now) {
        if error == .cancelled {
            state.withLock { $0.trialInFlight = false }
            return
        }
        guard Self.meansDown(error) else {
            succeeded()   // the endpoint answered, even if badly
            return
        }
        state.withLock { state in
            state.failures += 1
            state.trialInFlight = false
            if state.failures >= threshold || state.openUntil != nil {
                state.openUntil = now + coolDown
            }
        }
    }

    public var isOpen: Bool { state.withLock { $0.openUntil != nil } }

    static func meansDown(_ error: ModelError) -> Bool {
        switch error {
        case .unreachable, .timedOut: return true
        case .http(let status, _): return status >= 500
        default: return false
        }
    }
}
