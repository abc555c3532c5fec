import CVectorKernels
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
/// A small world's search scores every piece of its branch (signed bytes times signed bytes).
/// From `sketchFrom` pieces on, every piece also has a sketch (`PieceProjection`): a search
/// ranks the branch's pieces by their sketches and scores the best `candidates` in full, and a
/// new piece's neighbours are looked for among the `neighbourCandidates` pieces whose sketch
/// bits agree most with its own. Near neighbours only set hubness; they are found well.
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
    /// Each piece's group.
    private var groupOfPiece: [Int32] = []
    /// Learnt when the world first has `sketchFrom` pieces.
    private var sketches: PieceProjection?

    package static let neighbours = 10
    /// Below this many pieces every piece is scored in full: a search costs well under a millisecond.
    package static let sketchFrom = 8_192
    package static let sketchComponents = 64
    /// Pieces the sketches' directions are learnt from.
    package static let sketchSample = 2_048
    /// Pieces the sketches choose for a search to score in full, for each query.
    package static let candidates = 1_024
    /// Pieces a new piece is compared with in a large world.
    package static let neighbourCandidates = 2_048
    package static let hubWeight: Float = 0.5
    /// A cosine this close to 1 is the same text again, not a neighbour (the codes' own cosine
    /// is checked, as bytes from floats of the same text may differ in a rounding).
    package static let sameText: Float = 0.999
    package static let maybeSameText: Float = 0.98

    package let sketchFrom: Int
    package let candidates: Int
    package let neighbourCandidates: Int

    package init(model: String, dimensions: Int, sketchFrom: Int = PieceVectors.sketchFrom,
         candidates: Int = PieceVectors.candidates, neighbourCandidates: Int = PieceVectors.neighbourCandidates) {
        self.model = model
        self.dimensions = dimensions
        self.sketchFrom = sketchFrom
        self.candidates = candidates
        self.neighbourCandidates = neighbourCandidates
    }

    package var count: Int { pieceIDs.count }
    /// Bytes held, about: what the cache's capacity counts.
    package var bytes: Int {
        codes.count + pieceIDs.count * (24 + 4 * Self.neighbours) + groupStep.count * 16
            + (sketches?.codes.count ?? 0) + (sketches?.signs.count ?? 0) * 12
    }

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
            groupOfPiece.append(Int32(groupStep.count - 1))
            sketches?.add(vector)
            if let list = index < known.count ? known[index] : nil, list.count == Self.neighbours {
                nearest.append(contentsOf: list)
                updateHub(piece)
            } else {
                nearest.append(contentsOf: repeatElement(-1, count: Self.neighbours))
                changed.formUnion(compare(piece, vector))
            }
        }
        if sketches == nil, count >= sketchFrom { learnSketches() }
        return changed.filter { $0 < before }.sorted().map { pieceIDs[$0] }
    }

    /// A kept vector, as floats again.
    private func vector(_ piece: Int) -> [Float] {
        (0..<dimensions).map { Float(codes[piece * dimensions + $0]) * scales[piece] }
    }

    /// The sketches' directions, learnt from the pieces kept so far; every piece gets its sketch.
    private mutating func learnSketches() {
        var learnt = PieceProjection(components: min(Self.sketchComponents, dimensions), pieces: count,
                                     sample: Self.sketchSample, dimensions: dimensions, vector: vector)
        for piece in 0..<count { learnt.add(vector(piece)) }
        sketches = learnt
    }

    /// The live pieces whose sketch bits differ least from those of `vector`, at least `size`
    /// of them (all on ties at the cut); nil when every piece should be compared (a small world).
    private func shortlist(for vector: [Float], size: Int) -> [Int]? {
        guard let sketches, count > size else { return nil }
        let query = sketches.project(vector).enumerated().reduce(UInt64(0)) { $1.element > 0 ? $0 | 1 << UInt64($1.offset) : $0 }
        var distance = [UInt8](repeating: UInt8.max, count: count)
        var histogram = [Int32](repeating: 0, count: 65)
        sketches.signs.withUnsafeBufferPointer { signs in
            distance.withUnsafeMutableBufferPointer { distance in
                for run in liveRuns() {
                    fable_hamming64(signs.baseAddress! + run.lowerBound, run.count, query,
                                    distance.baseAddress! + run.lowerBound, &histogram)
                }
            }
        }
        var cut = 0
        var taken = 0
        while cut < histogram.count, taken + Int(histogram[cut]) < size {
            taken += Int(histogram[cut])
            cut += 1
        }
        let limit = UInt8(cut)
        var chosen: [Int] = []
        chosen.reserveCapacity(taken + Int(histogram[min(cut, histogram.count - 1)]))
        for (piece, differ) in distance.enumerated() where differ <= limit { chosen.append(piece) }
        return chosen
    }

    /// The pieces of live steps that `includes` accepts, as runs of adjacent pieces.
    private func liveRuns(_ includes: (Int64) -> Bool = { _ in true }) -> [Range<Int>] {
        var runs: [Range<Int>] = []
        for group in groupStep.indices where groupStep[group] != 0 && includes(groupStep[group]) {
            let range = pieces(ofGroup: group)
            if let last = runs.last, last.upperBound == range.lowerBound {
                runs[runs.count - 1] = last.lowerBound ..< range.upperBound
            } else if !range.isEmpty {
                runs.append(range)
            }
        }
        return runs
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
        let shortlist = shortlist(for: vector, size: neighbourCandidates)
        codes.withUnsafeBufferPointer { codes in
            nearest.withUnsafeBufferPointer { nearest in
                let query = UnsafeBufferPointer(rebasing: codes[piece * dimensions ..< (piece + 1) * dimensions])
                let scale = scales[piece]
                func note(_ other: Int) {
                    guard other != piece else { return }
                    let vector = UnsafeBufferPointer(rebasing: codes[other * dimensions ..< (other + 1) * dimensions])
                    let product = QuantizedVector.dot(query, vector)
                    let cosine = Float(product) * scale * scales[other]
                    if cosine > Self.maybeSameText, QuantizedVector.cosine(product, query, vector) >= Self.sameText { return }
                    if cosine > own[Self.neighbours - 1] { Self.insert(cosine, into: &own) }
                    if cosine > nearest[(other + 1) * Self.neighbours - 1] { entering.append((other, cosine)) }
                }
                if let shortlist {
                    for other in shortlist { note(other) }
                } else {
                    for run in liveRuns() {
                        for other in run { note(other) }
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

    /// `search` for several queries. A small world's vectors are read in one pass for all of
    /// them (reading them is most of a search's time); a large world's sketches once a query,
    /// and each query's candidates in full.
    package func search(_ queries: [[Float]], limit: Int, includes: (Int64) -> Bool)
        -> [[(pieceID: Int64, score: Float, cosine: Float)]] {
        let meanHub = hubCount > 0 ? hubTotal / Float(hubCount) : 0
        let asked = queries.map(QuantizedVector.init)
        let best = if let sketches, count > candidates {
            scoreCandidates(asked, sketched(queries.map(sketches.projectQuery), sketches, meanHub: meanHub, includes: includes),
                        limit: limit, meanHub: meanHub)
        } else {
            searchAll(asked, limit: limit, meanHub: meanHub, includes: includes)
        }
        return best.map { hits in
            hits.hits.map { hit in
                let index = pieceIndex(hit.id, group: groupOfStep[StepPieces.stepID(ofPiece: hit.id)]!)
                let hub = hubs[index]
                return (pieceID: hit.id, score: hit.cosine, cosine: hit.cosine + Self.hubWeight * (hub.isNaN ? meanHub : hub))
            }
        }
    }

    /// A piece's score for a query: its cosine less its share of hubness.
    @inline(__always)
    private func score(_ piece: Int, _ query: UnsafeBufferPointer<Int8>, scale: Float,
                       codes: UnsafeBufferPointer<Int8>, meanHub: Float) -> Float {
        let vector = UnsafeBufferPointer(rebasing: codes[piece * dimensions ..< (piece + 1) * dimensions])
        let hub = hubs[piece]
        return Float(QuantizedVector.dot(query, vector)) * scale * scales[piece] - Self.hubWeight * (hub.isNaN ? meanHub : hub)
    }

    /// Every piece of every accepted step, for all queries in one pass.
    private func searchAll(_ asked: [QuantizedVector], limit: Int, meanHub: Float, includes: (Int64) -> Bool) -> [TopHits] {
        var best = [TopHits](repeating: TopHits(limit: limit), count: asked.count)
        let dimensions = dimensions
        let askedCodes = asked.flatMap(\.codes)
        askedCodes.withUnsafeBufferPointer { askedCodes in
            codes.withUnsafeBufferPointer { codes in
                var bestPiece = [Int](repeating: -1, count: asked.count)
                var bestScore = [Float](repeating: -.infinity, count: asked.count)
                for group in groupStep.indices where groupStep[group] != 0 && includes(groupStep[group]) {
                    for piece in pieces(ofGroup: group) {
                        for query in asked.indices {
                            let score = score(piece, UnsafeBufferPointer(rebasing: askedCodes[query * dimensions ..< (query + 1) * dimensions]),
                                              scale: asked[query].scale, codes: codes, meanHub: meanHub)
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
        return best
    }

    /// For each projected query, the pieces of accepted steps whose sketches score best (less
    /// their share of hubness, as in full). Adjacent accepted steps are scored as one run.
    private func sketched(_ projected: [[Float]], _ sketches: PieceProjection, meanHub: Float,
                          includes: (Int64) -> Bool) -> [[Int32]] {
        let runs = liveRuns(includes)
        let components = sketches.components
        let longest = runs.map(\.count).max() ?? 0
        let products = UnsafeMutableBufferPointer<Int32>.allocate(capacity: longest)
        let scores = UnsafeMutableBufferPointer<Float>.allocate(capacity: longest)
        defer {
            products.deallocate()
            scores.deallocate()
        }
        return projected.map { query in
            let asked = QuantizedVector(query)
            var best = BestPieces(capacity: candidates)
            asked.codes.withUnsafeBufferPointer { askedCodes in
                sketches.codes.withUnsafeBufferPointer { codes in
                    sketches.scales.withUnsafeBufferPointer { scales in
                        hubs.withUnsafeBufferPointer { hubs in
                            for run in runs {
                                fable_dot_i8_rows(askedCodes.baseAddress, codes.baseAddress! + run.lowerBound * components,
                                                  components, run.count, products.baseAddress)
                                // Scores first, in a loop the compiler vectorizes; then the heap.
                                for offset in 0..<run.count {
                                    let piece = run.lowerBound + offset
                                    let hub = hubs[piece]
                                    scores[offset] = Float(products[offset]) * asked.scale * scales[piece]
                                        - Self.hubWeight * (hub.isNaN ? meanHub : hub)
                                }
                                let floor = Self.floor(UnsafeBufferPointer(rebasing: scores[0 ..< run.count]), keeping: candidates)
                                for offset in 0..<run.count where scores[offset] >= floor {
                                    best.offer(run.lowerBound + offset, scores[offset])
                                }
                            }
                        }
                    }
                }
            }
            return best.pieces
        }
    }

    /// A score that at least `keeping` of `scores` reach, guessed from every thirty-second of them
    /// (about twice `keeping` reach it) and checked, so that the heap of the best is offered a
    /// few thousand scores rather than all, with the same outcome; -infinity when the guess fails.
    private static func floor(_ scores: UnsafeBufferPointer<Float>, keeping: Int) -> Float {
        let every = 32
        let rank = keeping * 2 / every
        guard scores.count >= keeping * 8, rank > 0 else { return -.infinity }
        let sample = stride(from: 0, to: scores.count, by: every).map { scores[$0] }.sorted(by: >)
        let floor = sample[rank - 1]
        var reaching = 0
        for score in scores where score >= floor { reaching += 1 }
        return reaching >= keeping ? floor : -.infinity
    }

    /// Each query's own candidates (pieces of accepted steps), scored in full; a step counts by
    /// its best piece among them.
    private func scoreCandidates(_ asked: [QuantizedVector], _ candidates: [[Int32]], limit: Int, meanHub: Float) -> [TopHits] {
        var best = [TopHits](repeating: TopHits(limit: limit), count: asked.count)
        var groupScore = [Float](repeating: -.infinity, count: groupStep.count)
        var groupPiece = [Int32](repeating: -1, count: groupStep.count)
        codes.withUnsafeBufferPointer { codes in
            for (query, list) in candidates.enumerated() {
                var touched: [Int] = []
                asked[query].codes.withUnsafeBufferPointer { queryCodes in
                    for piece in list {
                        let group = Int(groupOfPiece[Int(piece)])
                        let score = score(Int(piece), queryCodes, scale: asked[query].scale, codes: codes, meanHub: meanHub)
                        if score > groupScore[group] {
                            if groupPiece[group] < 0 { touched.append(group) }
                            groupScore[group] = score
                            groupPiece[group] = piece
                        }
                    }
                }
                for group in touched {
                    best[query].add(id: pieceIDs[Int(groupPiece[group])], cosine: groupScore[group])
                    groupScore[group] = -.infinity
                    groupPiece[group] = -1
                }
            }
        }
        return best
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

    /// The dot product of two vectors' codes (multiply by both scales for the cosine), by the C
    /// kernel that uses the CPU's widest vector instructions.
    package static func dot(_ a: UnsafeBufferPointer<Int8>, _ b: UnsafeBufferPointer<Int8>) -> Int32 {
        guard let x = a.baseAddress, let y = b.baseAddress else { return 0 }
        return fable_dot_i8(x, y, min(a.count, b.count))
    }

    /// The cosine of two vectors' codes, given their dot product.
    package static func cosine(_ product: Int32, _ a: UnsafeBufferPointer<Int8>, _ b: UnsafeBufferPointer<Int8>) -> Float {
        let lengths = (Float(dot(a, a)) * Float(dot(b, b))).squareRoot()
        return lengths > 0 ? Float(product) / lengths : 0
    }
}
