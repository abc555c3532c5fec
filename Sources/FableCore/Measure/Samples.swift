import Foundation

/// Latencies in milliseconds, and their percentiles (nearest rank): `fable load`'s,
/// `fable bench step`'s and the server's own (`@stats`).
public struct Samples: Sendable {
    public private(set) var values: [Double] = []

    public init(_ values: [Double] = []) {
        self.values = values
    }

    public mutating func add(_ milliseconds: Double) {
        values.append(milliseconds)
    }

    public mutating func add(_ other: Samples) {
        values += other.values
    }

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }

    /// The nearest-rank percentile `p` (0…1); 0 when there are no samples.
    public func percentile(_ p: Double) -> Double {
        Self.percentile(p, ofSorted: values.sorted())
    }

    /// Several percentiles with one sort.
    public func percentiles(_ ps: [Double]) -> [Double] {
        let sorted = values.sorted()
        return ps.map { Self.percentile($0, ofSorted: sorted) }
    }

    public var mean: Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }

    private static func percentile(_ p: Double, ofSorted sorted: [Double]) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }

    /// "p50 1.23 / p95 4.56 / p99 7.89 ms (n = 100)".
    public func summary(_ ps: [Double] = [0.5, 0.95, 0.99], unit: String = "ms") -> String {
        guard !isEmpty else { return "no samples" }
        let figures = percentiles(ps)
        return zip(ps, figures).map { "p\(Int(($0 * 100).rounded())) \(Self.format($1))" }.joined(separator: " / ")
            + " \(unit) (n = \(count))"
    }

    public static func format(_ milliseconds: Double) -> String {
        switch milliseconds {
        case ..<0.1: return String(format: "%.3f", milliseconds)
        case ..<10: return String(format: "%.2f", milliseconds)
        case ..<100: return String(format: "%.1f", milliseconds)
        default: return String(format: "%.0f", milliseconds)
        }
    }
}
