import Foundation
import Synchronization

/// Slows password guessing: after a few failures from one address or against one name,
/// further attempts are refused for a while, the wait doubling with each failure.
public final class LoginThrottle: Sendable {
    public struct Policy: Sendable {
        /// Failures allowed before waits begin.
        public var freeFailures = 3
        public var firstWait: Duration = .seconds(2)
        public var longestWait: Duration = .seconds(300)
        /// A key with no failure for this long starts afresh.
        public var forgetAfter: Duration = .seconds(900)
        public init() {}
    }

    private struct Record {
        var failures = 0
        var blockedUntil: ContinuousClock.Instant?
        var lastFailure: ContinuousClock.Instant
    }

    private let policy: Policy
    private let records = Mutex<[String: Record]>([:])

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// How long the address or name must still wait; nil when an attempt may go ahead.
    public func wait(address: String, name: String, now: ContinuousClock.Instant = .now) -> Duration? {
        records.withLock { records in
            [Self.key(address: address), Self.key(name: name)]
                .compactMap { records[$0]?.blockedUntil }
                .filter { $0 > now }
                .max()
                .map { $0 - now }
        }
    }

    public func failed(address: String, name: String, now: ContinuousClock.Instant = .now) {
        records.withLock { records in
            if records.count > 100_000 { records = records.filter { now - $0.value.lastFailure < policy.forgetAfter } }
            for key in [Self.key(address: address), Self.key(name: name)] {
                var record = records[key] ?? Record(lastFailure: now)
                if now - record.lastFailure > policy.forgetAfter { record = Record(lastFailure: now) }
                record.failures += 1
                record.lastFailure = now
                let over = record.failures - policy.freeFailures
                if over > 0 {
                    let wait = min(policy.longestWait, policy.firstWait * (1 << min(over - 1, 20)))
                    record.blockedUntil = now + wait
                }
                records[key] = record
            }
        }
    }

    /// A successful login clears the name's record (not the address's: one address may guess many names).
    public func succeeded(name: String) {
        _ = records.withLock { $0.removeValue(forKey: Self.key(name: name)) }
    }

    private static func key(address: String) -> String { "a:" + address }
    private static func key(name: String) -> String { "n:" + name.lowercased() }
}
