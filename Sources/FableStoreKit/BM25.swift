import Foundation

/// BM25 as FTS5's bm25() computes it (k1 1.2, b 0.75, idf floored at 1e-6), shared by both
/// stores so a world ranks alike on either.
package enum BM25 {
    package static let k1 = 1.2
    package static let b = 0.75

    /// The idf of a term found in `matches` of `documents` rows.
    package static func idf(documents: Int, matches: Int) -> Double {
        let value = log((Double(documents) - Double(matches) + 0.5) / (Double(matches) + 0.5))
        return value > 0 ? value : 1e-6
    }

    /// One term's part of a row's score: found `frequency` times in a row of `length` words,
    /// where rows have `meanLength` words on average.
    package static func term(idf: Double, frequency: Double, length: Double, meanLength: Double) -> Double {
        let norm = k1 * (1 - b + b * length / max(meanLength, 1e-9))
        return idf * frequency * (k1 + 1) / (frequency + norm)
    }
}
