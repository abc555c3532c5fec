import FableCore

/// A short sketch of each piece vector for a large world: its difference from the world's mean,
/// projected on the directions in which the world's pieces differ most (principal components),
/// as signed bytes, plus one bit a direction. A search ranks every piece of the branch by its
/// sketch, a sixth of the bytes, and scores only the best of them in full; a new piece looks
/// for its neighbours among the pieces whose bits agree most with its own.
///
/// An embedding model's vectors share a large common part and vary in few directions, so the
/// first components keep the differences that rank a question's answers; signs of the raw
/// dimensions, or random projections, keep far less (docs/retrieval.md).
///
/// The components are learnt once, from the world's first pieces when it first becomes large,
/// deterministically (the same pieces in the same order give the same sketches after a restart).
struct PieceProjection: Sendable {
    let dimensions: Int
    let components: Int
    private let mean: [Float]
    /// `components` unit directions, `dimensions` floats each, orthogonal.
    private let basis: [Float]
    private(set) var codes: [Int8] = []
    private(set) var scales: [Float] = []
    /// One word a piece: bit `c` set where component `c` is positive (`components` ≤ 64).
    private(set) var signs: [UInt64] = []

    static let iterations = 24

    /// Learns `components` directions from the vectors `vector(0..<pieces)` (at most `sample`
    /// of them, evenly spaced).
    init(components: Int, pieces: Int, sample: Int, dimensions: Int, vector: (Int) -> [Float]) {
        precondition(components <= 64 && components <= dimensions)
        self.dimensions = dimensions
        self.components = components
        let step = max(1, pieces / max(1, min(sample, pieces)))
        let samples = stride(from: 0, to: pieces, by: step).map(vector)
        var mean = [Float](repeating: 0, count: dimensions)
        for sample in samples { for index in 0..<dimensions { mean[index] += sample[index] } }
        mean = mean.map { $0 / Float(max(samples.count, 1)) }
        self.mean = mean
        basis = Self.principalDirections(samples.map { zip($0, mean).map { $0 - $1 } }, count: components,
                                         dimensions: dimensions)
    }

    /// The directions of largest variance of `centered`, by subspace iteration on their
    /// covariance from a fixed start.
    private static func principalDirections(_ centered: [[Float]], count: Int, dimensions: Int) -> [Float] {
        var covariance = [Float](repeating: 0, count: dimensions * dimensions)
        for vector in centered {
            for row in 0..<dimensions where vector[row] != 0 {
                let value = vector[row]
                for column in row..<dimensions { covariance[row * dimensions + column] += value * vector[column] }
            }
        }
        for row in 0..<dimensions { for column in 0..<row { covariance[row * dimensions + column] = covariance[column * dimensions + row] } }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var directions = (0..<count * dimensions).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(state >> 40) % 2001 - 1000) / 1000
        }
        orthonormalize(&directions, count: count, dimensions: dimensions)
        for _ in 0..<iterations {
            var next = [Float](repeating: 0, count: count * dimensions)
            covariance.withUnsafeBufferPointer { covariance in
                directions.withUnsafeBufferPointer { directions in
                    for direction in 0..<count {
                        let vector = UnsafeBufferPointer(rebasing: directions[direction * dimensions ..< (direction + 1) * dimensions])
                        for row in 0..<dimensions {
                            next[direction * dimensions + row] =
                                VectorMath.dot(UnsafeBufferPointer(rebasing: covariance[row * dimensions ..< (row + 1) * dimensions]), vector) ?? 0
                        }
                    }
                }
            }
            orthonormalize(&next, count: count, dimensions: dimensions)
            directions = next
        }
        return directions
    }

    /// Gram-Schmidt, in place; a direction that vanishes is left zero.
    private static func orthonormalize(_ directions: inout [Float], count: Int, dimensions: Int) {
        for direction in 0..<count {
            let range = direction * dimensions ..< (direction + 1) * dimensions
            for earlier in 0..<direction {
                let other = Array(directions[earlier * dimensions ..< (earlier + 1) * dimensions])
                let overlap = VectorMath.dot(Array(directions[range]), other)
                for index in 0..<dimensions { directions[range.lowerBound + index] -= overlap * other[index] }
            }
            let length = VectorMath.norm(Array(directions[range]))
            guard length > 0 else { continue }
            for index in range { directions[index] /= length }
        }
    }

    /// A piece's components: its difference from the mean, on each direction.
    func project(_ vector: [Float]) -> [Float] {
        components(of: zip(vector, mean).map { $0 - $1 })
    }

    /// A query's components, for scoring sketches: a piece's cosine with the query is its
    /// difference from the mean times the query, plus the mean times the query, which is the
    /// same for every piece. The query is not centred: that would add a term of each piece's own.
    func projectQuery(_ query: [Float]) -> [Float] {
        components(of: query)
    }

    private func components(of vector: [Float]) -> [Float] {
        vector.withUnsafeBufferPointer { vector in
            basis.withUnsafeBufferPointer { basis in
                (0..<components).map { direction in
                    VectorMath.dot(vector, UnsafeBufferPointer(rebasing: basis[direction * dimensions ..< (direction + 1) * dimensions])) ?? 0
                }
            }
        }
    }

    /// Adds the next piece's sketch (pieces are added in the order `PieceVectors` keeps them).
    mutating func add(_ vector: [Float]) {
        let projected = project(vector)
        let quantized = QuantizedVector(projected)
        codes.append(contentsOf: quantized.codes)
        scales.append(quantized.scale)
        var word: UInt64 = 0
        for (component, value) in projected.enumerated() where value > 0 { word |= 1 << UInt64(component) }
        signs.append(word)
    }
}

/// The `capacity` largest scores offered, with their pieces; equal scores: the later piece (a
/// min-heap: the smallest kept is first, so most offers cost one comparison).
struct BestPieces {
    let capacity: Int
    private(set) var scores: [Float] = []
    private(set) var pieces: [Int32] = []

    init(capacity: Int) {
        self.capacity = capacity
        scores.reserveCapacity(capacity)
        pieces.reserveCapacity(capacity)
    }

    @inline(__always)
    private func below(_ a: Int, _ b: Int) -> Bool {
        scores[a] < scores[b] || (scores[a] == scores[b] && pieces[a] < pieces[b])
    }

    @inline(__always)
    mutating func offer(_ piece: Int, _ score: Float) {
        if scores.count < capacity {
            scores.append(score)
            pieces.append(Int32(piece))
            var child = scores.count - 1
            while child > 0 {
                let parent = (child - 1) / 2
                guard below(child, parent) else { break }
                scores.swapAt(child, parent)
                pieces.swapAt(child, parent)
                child = parent
            }
        } else if score > scores[0] || (score == scores[0] && Int32(piece) > pieces[0]) {
            scores[0] = score
            pieces[0] = Int32(piece)
            var parent = 0
            while true {
                var smallest = parent
                let left = 2 * parent + 1
                let right = left + 1
                if left < capacity, below(left, smallest) { smallest = left }
                if right < capacity, below(right, smallest) { smallest = right }
                guard smallest != parent else { break }
                scores.swapAt(parent, smallest)
                pieces.swapAt(parent, smallest)
                parent = smallest
            }
        }
    }
}
