import Foundation

/// Latencies in milliseconds, and their percentiles (nearest rank), for `fable load` and
/// `fable bench step`.
struct Samples: Sendable {
    private(set) var values: [Double] = []

    init() {}

    mutating func add(_ milliseconds: Double) {
        values.append(milliseconds)
    }

    mutating func add(_ other: Samples) {
        values += other.values
    }

    var count: Int { values.count }
    var isEmpty: Bool { values.isEmpty }

    /// The nearest-rank percentile `p` (0…1); 0 when there are no samples.
    func percentile(_ p: Double) -> Double {
        Self.percentile(p, ofSorted: values.sorted())
    }

    /// Several percentiles with one sort.
    func percentiles(_ ps: [Double]) -> [Double] {
        let sorted = values.sorted()
        return ps.map { Self.percentile($0, ofSorted: sorted) }
    }

    var mean: Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    private static func percentile(_ p: Double, ofSorted sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// "p50 1.23 / p95 4.56 / p99 7.89 ms (n = 100)".
    func summary(_ ps: [Double] = [0.5, 0.95, 0.99], unit: String = "ms") -> String {
        guard !isEmpty else { return "no samples" }
        let figures = percentiles(ps)
        return zip(ps, figures).map { "p\(Int(($0 * 100).rounded())) \(Self.format($1))" }.joined(separator: " / ")
            + " \(unit) (n = \(count))"
    }

    static func format(_ milliseconds: Double) -> String {
        switch milliseconds {
        case ..<0.1: return String(format: "%.3f", milliseconds)
        case ..<10: return String(format: "%.2f", milliseconds)
        case ..<100: return String(format: "%.1f", milliseconds)
        default: return String(format: "%.0f", milliseconds)
        }
    }
}

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
    var millisecondsToNow: Double {
        let elapsed = ContinuousClock.now - self
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
