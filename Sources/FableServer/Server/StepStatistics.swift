import FableCore
import Synchronization

/// What the server's steps took lately, for `@stats`: the last 1,000 figures of each kind and
/// the outcomes since the start, in memory only. Lets an admin see what the server adds to
/// the model while it serves, without `fable load`. Recorded from any thread.
public final class StepStatistics: Sendable {
    public enum Series: Int, CaseIterable, Sendable {
        /// From asking for a generation slot to getting it (`--max-generations`).
        case slotWait
        /// From the slot to the first bytes of the passage written to the reader's socket:
        /// the server's preparation, the model's first tokens, and the hand-off.
        case firstPassage
        /// From the passage's first bytes decoded off the model's stream (on the transport's
        /// thread) to their write on the reader's event loop: the server's own hand-off.
        case handOff
        /// From the slot to the step committed.
        case wholeStep
    }

    public enum Outcome: Sendable {
        case committed, failed, cancelled
        /// An unusable passage: it is written again (not an outcome of the step).
        case rewritten
        /// A reply whose passage was kept and other fields asked for again (not an outcome).
        case repaired
    }

    public struct Snapshot: Sendable {
        /// The latest figures of each series, in milliseconds.
        public var recent: [Series: Samples]
        public var committed: Int
        public var failed: Int
        public var cancelled: Int
        public var rewritten: Int
        public var repaired: Int
        public var since: ContinuousClock.Instant
    }

    /// How many of each series' latest figures are kept.
    public static let window = 1_000

    private struct Ring {
        var values: [Double] = []
        var next = 0

        mutating func add(_ value: Double) {
            if values.count < StepStatistics.window {
                values.append(value)
            } else {
                values[next] = value
            }
            next = (next + 1) % StepStatistics.window
        }
    }

    private struct State {
        var rings = [Ring](repeating: Ring(), count: Series.allCases.count)
        var committed = 0
        var failed = 0
        var cancelled = 0
        var rewritten = 0
        var repaired = 0
    }

    private let state = Mutex(State())
    private let since = ContinuousClock.now

    public init() {}

    public func record(_ series: Series, _ duration: Duration) {
        state.withLock { $0.rings[series.rawValue].add(duration.milliseconds) }
    }

    public func count(_ outcome: Outcome) {
        state.withLock { state in
            switch outcome {
            case .committed: state.committed += 1
            case .failed: state.failed += 1
            case .cancelled: state.cancelled += 1
            case .rewritten: state.rewritten += 1
            case .repaired: state.repaired += 1
            }
        }
    }

    public var snapshot: Snapshot {
        let state = state.withLock { $0 }
        var recent: [Series: Samples] = [:]
        for series in Series.allCases { recent[series] = Samples(state.rings[series.rawValue].values) }
        return Snapshot(recent: recent, committed: state.committed, failed: state.failed,
                        cancelled: state.cancelled, rewritten: state.rewritten,
                        repaired: state.repaired, since: since)
    }
}
