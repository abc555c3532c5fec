import FableCore

/// Vectors as the stores keep them: each made unit length, or refused.
package enum UnitVectors {
    /// `vectors`, each normalised; an empty, zero or non-finite one is a `VectorError`.
    package static func normalized(_ vectors: [(pieceID: Int64, vector: [Float])]) throws -> [(pieceID: Int64, vector: [Float])] {
        try vectors.map { id, vector in
            guard let unit = VectorMath.normalized(vector) else {
                throw VectorError.unusable("the vector of piece \(id) is empty, zero or not finite")
            }
            return (id, unit)
        }
    }
}

extension UnitVectors {
    /// Search queries made unit length, all of one dimension: nil when there are none, or any is
    /// unusable, or they differ in length (a search then finds nothing).
    package static func queries(_ queries: [[Float]]) -> (vectors: [[Float]], dimensions: Int)? {
        let units = queries.compactMap { VectorMath.normalized($0) }
        guard units.count == queries.count, let dimensions = units.first?.count,
              units.allSatisfy({ $0.count == dimensions }) else { return nil }
        return (units, dimensions)
    }
}
