import FableCore

/// One embedding model's vectors of a world's pieces, in memory for dense search.
///
/// A piece is ranked by its cosine to the query less half its hubness: the mean cosine of
/// its ten nearest other pieces in the world. Small embedding models place generic sentences
/// ("A woman in a green shawl walked by.") near every question, above the one sentence that
/// answers it; a sentence like many others says little about any one question. This is the
/// passage side of CSLS (Conneau et al., 2018, hubness reduction); the query side is the
/// same for every piece and is left out. Each piece's nearest cosines are kept up to date as
/// pieces arrive (a new piece is compared with the world's pieces once, below) and stored
/// beside its vector, so a restart reads them instead of comparing every pair again.
///
/// Each vector is kept as 8-bit integers with a scale (`QuantizedVector`): a quarter of the
/// floats' memory and of the bytes a search reads, at a cosine error far below the gaps that
/// rank E5's passages. A step's pieces are stored together (a group), so the branch rule is
/// checked once a step, not once a piece.
///
/// A search scores every piece of the branch (signed bytes times signed bytes). A new piece's
/// neighbours in a large world are looked for among a shortlist: the `shortlistSize` pieces whose
/// signs (one bit a dimension, of the difference from the world's mean vector) agree most with
/// its own. The signs are too coarse to find a fact asked for in other words (docs/retrieval.md),
/// but near neighbours, which only set a piece's hubness, are found well.
package struct PieceVectors: Sendable {
    package let model: String
    package let dimensions: Int
    /// Group `g` is step `groupStep[g]`'s pieces: `pieceIDs[groupStart[g] ..< groupStart[g + 1]]`
    /// (or to the end). A step whose vectors were replaced has step 0 in its old group.
    package private(set) var groupStep: [Int64] = []
    private var groupStart: [Int] = []
    package private(set) var pieceIDs: [Int64] = []
    private var codes: [Int8] = []
    private var scales: [Float] = []
    /// `neighbours` cosines a piece, best first (-1: none yet), and their mean (NaN: none).
    private var nearest: [Float] = []
    private var hubs: [Float] = []
    private var hubTotal: Float = 0
    private var hubCount = 0
    private var groupOfStep: [Int64: Int] = [:]
    /// Every vector of a piece up to this id was read from the file (later ones arrive through
    /// `set`, or are read by the next search).
    package var highestID: Int64 = 0
    /// The mean of the first `centerSample` vectors, fixed once there are that many; each
    /// piece's signs against it, `words` words a piece.
    private var center: [Float]?
    private var signs: [UInt64] = []
    private var words: Int { (dimensions + 63) / 64 }

    package static let neighbours = 10
    package static let centerSample = 512
    /// Pieces a new piece is compared with in a large world.
    package static let shortlist = 2_048
    /// Below this many pieces a new piece is compared with every piece: the signs would save little.
    package static let shortlistFrom = 8_192
    package static let hubWeight: Float = 0.5
    /// A cosine this close to 1 is the same text again, not a neighbour.
    package static let sameText: Float = 0.999

    /// Pieces a new piece is compared with in a large world, and from how many pieces a world is large.
    package let shortlistSize: Int
    package let shortlistFrom: Int

    package init(model: String, dimensions: Int, shortlistSize: Int = PieceVectors.shortlist,
         shortlistFrom: Int = PieceVectors.shortlistFrom) {
        self.model = model
        self.dimensions = dimensions
        self.shortlistSize = shortlistSize
        self.shortlistFrom = max(shortlistFrom, Self.centerSample)
    }

    package var count: Int { pieceIDs.count }
    /// Bytes held, about: what the cache's capacity counts.
    package var bytes: Int { codes.count + pieceIDs.count * (16 + 4 * Self.neighbours) + groupStep.count * 16 }

    /// Sets a step's pieces' vectors (unit length, `dimensions` each), replacing any it had.
    /// `known`: each piece's nearest cosines as stored; a piece without them is compared with
    /// every piece here, and theirs are brought up to date. Returns the pieces that were here
    /// before whose nearest cosines changed.
    @discardableResult
    package mutating func set(step: Int64, _ vectors: [(pieceID: Int64, vector: [Float])], nearest known: [[Float]?] = [])
        -> [Int64] {
        remove(step: step)
        guard !vectors.isEmpty else { return [] }
        let before = count
        groupOfStep[step] = groupStep.count
        groupStep.append(step)
        groupStart.append(pieceIDs.count)
        var changed = Set<Int>()
        for (index, (id, vector)) in vectors.enumerated() {
            let quantized = QuantizedVector(vector)
            pieceIDs.append(id)
            codes.append(contentsOf: quantized.codes)
            scales.append(quantized.scale)
            hubs.append(.nan)
            let piece = count - 1
            if let center { signs.append(contentsOf: Self.signs(vector, center: center)) }
            if let list = index < known.count ? known[index] : nil, list.count == Self.neighbours {
                nearest.append(contentsOf: list)
                updateHub(piece)
            } else {
                nearest.append(contentsOf: repeatElement(-1, count: Self.neighbours))
                changed.formUnion(compare(piece, vector))
            }
        }
        if center == nil, count >= Self.centerSample { fixCenter() }
        return changed.filter { $0 < before }.sorted().map { pieceIDs[$0] }
    }

    /// The mean of the first `centerSample` vectors becomes the center, and every piece gets
    /// its signs against it.
    private mutating func fixCenter() {
        var mean = [Float](repeating: 0, count: dimensions)
        for piece in 0..<Self.centerSample {
            for (dimension, value) in vector(piece).enumerated() { mean[dimension] += value }
        }
        mean = mean.map { $0 / Float(Self.centerSample) }
        center = mean
        signs = []
        signs.reserveCapacity(count * words)
        for piece in 0..<count { signs.append(contentsOf: Self.signs(vector(piece), center: mean)) }
    }

    /// A kept vector, as floats again.
    private func vector(_ piece: Int) -> [Float] {
        (0..<dimensions).map { Float(codes[piece * dimensions + $0]) * scales[piece] }
    }

    /// One bit a dimension: set where the vector is above the center.
    package static func signs(_ vector: [Float], center: [Float]) -> [UInt64] {
        var words = [UInt64](repeating: 0, count: (vector.count + 63) / 64)
        for dimension in vector.indices where vector[dimension] > center[dimension] {
            words[dimension / 64] |= 1 << UInt64(dimension % 64)
        }
        return words
    }

    /// The live pieces whose signs differ least from those of `vector`, at least `size` of them
    /// (all on ties at the cut), in piece order; nil when every piece should be compared (a
    /// small world, or no center yet).
    private func shortlist(for vector: [Float], size: Int) -> [Int]? {
        guard let center, count >= shortlistFrom else { return nil }
        let query = Self.signs(vector, center: center)
        let words = words
        var distance = [UInt16](repeating: UInt16.max, count: count)
        var histogram = [Int](repeating: 0, count: dimensions + 2)
        signs.withUnsafeBufferPointer { signs in
            for group in groupStep.indices where groupStep[group] != 0 {
                for piece in pieces(ofGroup: group) {
                    var differ = 0
                    for word in 0..<words { differ += (signs[piece * words + word] ^ query[word]).nonzeroBitCount }
                    distance[piece] = UInt16(differ)
                    histogram[differ] += 1
                }
            }
        }
        var cut = 0
        var taken = 0
        while cut < histogram.count, taken + histogram[cut] < size {
            taken += histogram[cut]
            cut += 1
        }
        return distance.indices.filter { distance[$0] <= cut }
    }

    /// Where group `group`'s pieces are kept.
    private func pieces(ofGroup group: Int) -> Range<Int> {
        groupStart[group] ..< (group + 1 < groupStart.count ? groupStart[group + 1] : pieceIDs.count)
    }

    package mutating func remove(step: Int64) {
        guard let group = groupOfStep.removeValue(forKey: step) else { return }
        groupStep[group] = 0
    }

    /// A piece's nearest cosines, best first.
    package func nearest(of pieceID: Int64) -> [Float]? {
        guard let group = groupOfStep[StepPieces.stepID(ofPiece: pieceID)] else { return nil }
        let index = pieceIndex(pieceID, group: group)
        return Array(nearest[index * Self.neighbours ..< (index + 1) * Self.neighbours])
    }

    /// Its hubness: the mean of its nearest cosines (nil when it has no neighbour yet).
    package func hub(of pieceID: Int64) -> Float? {
        guard let group = groupOfStep[StepPieces.stepID(ofPiece: pieceID)] else { return nil }
        let hub = hubs[pieceIndex(pieceID, group: group)]
        return hub.isNaN ? nil : hub
    }

    /// Compares a new piece with every other live piece, noting each cosine in both lists;
    /// returns the pieces whose lists changed (the new one among them).
    private mutating func compare(_ piece: Int, _ vector: [Float]) -> Set<Int> {
        let dimensions = dimensions
        var own = [Float](repeating: -1, count: Self.neighbours)
        var entering: [(Int, Float)] = []
        let shortlist = shortlist(for: vector, size: shortlistSize)
        vector.withUnsafeBufferPointer { query in
            codes.withUnsafeBufferPointer { codes in
                nearest.withUnsafeBufferPointer { nearest in
                    func note(_ other: Int) {
                        guard other != piece else { return }
                        let vector = UnsafeBufferPointer(rebasing: codes[other * dimensions ..< (other + 1) * dimensions])
                        let cosine = QuantizedVector.dot(query, vector) * scales[other]
                        guard cosine < Self.sameText else { return }
                        if cosine > own[Self.neighbours - 1] { Self.insert(cosine, into: &own) }
                        if cosine > nearest[(other + 1) * Self.neighbours - 1] { entering.append((other, cosine)) }
                    }
                    if let shortlist {
                        for other in shortlist { note(other) }
                    } else {
                        for group in groupStep.indices where groupStep[group] != 0 {
                            for other in pieces(ofGroup: group) { note(other) }
                        }
                    }
                }
            }
        }
        nearest.replaceSubrange(piece * Self.neighbours ..< (piece + 1) * Self.neighbours, with: own)
        var changed: Set<Int> = [piece]
        for (other, cosine) in entering {
            var list = Array(nearest[other * Self.neighbours ..< (other + 1) * Self.neighbours])
            Self.insert(cosine, into: &list)
            nearest.replaceSubrange(other * Self.neighbours ..< (other + 1) * Self.neighbours, with: list)
            changed.insert(other)
        }
        for index in changed { updateHub(index) }
        return changed
    }

    /// Puts a cosine into a list kept best first, if it is among its best.
    private static func insert(_ cosine: Float, into list: inout [Float]) {
        guard cosine > list[list.count - 1] else { return }
        var slot = list.count - 1
        while slot > 0, list[slot - 1] < cosine {
            list[slot] = list[slot - 1]
            slot -= 1
        }
        list[slot] = cosine
    }

    private mutating func updateHub(_ piece: Int) {
        let list = nearest[piece * Self.neighbours ..< (piece + 1) * Self.neighbours].filter { $0 > -1 }
        if !hubs[piece].isNaN {
            hubTotal -= hubs[piece]
            hubCount -= 1
        }
        guard !list.isEmpty else {
            hubs[piece] = .nan
            return
        }
        hubs[piece] = list.reduce(0, +) / Float(list.count)
        hubTotal += hubs[piece]
        hubCount += 1
    }

    /// The best piece of each of the `limit` steps whose best piece scores highest for
    /// `query` (unit length): its cosine less `hubWeight` of its hubness, among the steps
    /// `includes` accepts; best first, equal scores: the later step first. A piece without
    /// neighbours yet counts the world's mean hubness.
    package func search(_ query: [Float], limit: Int, includes: (Int64) -> Bool)
        -> [(pieceID: Int64, score: Float, cosine: Float)] {
        search([query], limit: limit, includes: includes)[0]
    }

    /// `search` for several queries in one pass over the vectors (reading them is most of a
    /// search's time in a large world).
    package func search(_ queries: [[Float]], limit: Int, includes: (Int64) -> Bool)
        -> [[(pieceID: Int64, score: Float, cosine: Float)]] {
        var best = [TopHits](repeating: TopHits(limit: limit), count: queries.count)
        let dimensions = dimensions
        let meanHub = hubCount > 0 ? hubTotal / Float(hubCount) : 0
        let weight = Self.hubWeight
        let asked = queries.map(QuantizedVector.init)
        let askedCodes = asked.flatMap(\.codes)
        askedCodes.withUnsafeBufferPointer { askedCodes in
            codes.withUnsafeBufferPointer { codes in
                var bestPiece = [Int](repeating: -1, count: queries.count)
                var bestScore = [Float](repeating: -.infinity, count: queries.count)
                for group in groupStep.indices where groupStep[group] != 0 && includes(groupStep[group]) {
                    for piece in pieces(ofGroup: group) {
                        let vector = UnsafeBufferPointer(rebasing: codes[piece * dimensions ..< (piece + 1) * dimensions])
                        let hub = hubs[piece]
                        let penalty = weight * (hub.isNaN ? meanHub : hub)
                        for query in asked.indices {
                            let codes = UnsafeBufferPointer(rebasing: askedCodes[query * dimensions ..< (query + 1) * dimensions])
                            let score = Float(QuantizedVector.dot(codes, vector)) * asked[query].scale * scales[piece] - penalty
                            if score > bestScore[query] {
                                bestScore[query] = score
                                bestPiece[query] = piece
                            }
                        }
                    }
                    for query in asked.indices where bestPiece[query] >= 0 {
                        best[query].add(id: pieceIDs[bestPiece[query]], cosine: bestScore[query])
                        bestPiece[query] = -1
                        bestScore[query] = -.infinity
                    }
                }
            }
        }
        return best.map { hits in
            hits.hits.map { hit in
                let index = pieceIndex(hit.id, group: groupOfStep[StepPieces.stepID(ofPiece: hit.id)]!)
                let hub = hubs[index]
                return (pieceID: hit.id, score: hit.cosine, cosine: hit.cosine + weight * (hub.isNaN ? meanHub : hub))
            }
        }
    }

    /// Where a piece of a live group is kept.
    private func pieceIndex(_ id: Int64, group: Int) -> Int {
        var index = groupStart[group]
        while pieceIDs[index] != id { index += 1 }
        return index
    }
}

/// A unit vector as signed bytes and one scale: value ≈ code × scale.
package struct QuantizedVector {
    package var codes: [Int8]
    package var scale: Float

    package init(_ vector: [Float]) {
        let largest = vector.reduce(0) { max($0, abs($1)) }
        scale = largest > 0 ? largest / 127 : 1
        let inverse = 1 / scale
        codes = vector.map { Int8(clamping: Int(($0 * inverse).rounded())) }
    }

    /// The dot product of two vectors' codes (multiply by both scales for the cosine). A plain
    /// loop: the compiler vectorizes it better than hand-written SIMD lanes (docs/retrieval.md).
    package static func dot(_ a: UnsafeBufferPointer<Int8>, _ b: UnsafeBufferPointer<Int8>) -> Int32 {
        guard let x = a.baseAddress, let y = b.baseAddress else { return 0 }
        var total: Int32 = 0
        for index in 0..<min(a.count, b.count) { total &+= Int32(x[index]) &* Int32(y[index]) }
        return total
    }

    /// The dot product of a float query and a vector's codes, sixteen lanes at a time.
    package static func dot(_ query: UnsafeBufferPointer<Float>, _ codes: UnsafeBufferPointer<Int8>) -> Float {
        guard let x = query.baseAddress, let y = codes.baseAddress else { return 0 }
        let count = min(query.count, codes.count)
        let floats = UnsafeRawPointer(x)
        let bytes = UnsafeRawPointer(y)
        var sum = SIMD16<Float>()
        var index = 0
        while index + 16 <= count {
            let lanes = bytes.loadUnaligned(fromByteOffset: index, as: SIMD16<Int8>.self)
            sum += floats.loadUnaligned(fromByteOffset: index * 4, as: SIMD16<Float>.self) * SIMD16<Float>(lanes)
            index += 16
        }
        var total = sum.sum()
        while index < count {
            total += x[index] * Float(y[index])
            index += 1
        }
        return total
    }
}
