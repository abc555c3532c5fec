import FableCore

/// How often a failed model call is tried again, and how long to wait between tries.
public struct RetryPolicy: Sendable, Equatable {
    /// Further tries after a transient failure (HTTP 5xx, 429, time-out, a cut stream).
    public var transientRetries: Int
    public var baseDelay: Duration
    public var maxDelay: Duration

    public init(transientRetries: Int = 2, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8)) {
        self.transientRetries = transientRetries
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// Exponential back-off, or the server's Retry-After when it gives one; capped.
    public func delay(afterFailure number: Int, error: ModelError) -> Duration {
        if case .rateLimited(let retryAfter?) = error {
            return min(.milliseconds(Int(retryAfter * 1000)), maxDelay)
        }
        return min(baseDelay * (1 << min(number - 1, 16)), maxDelay)
    }
}
