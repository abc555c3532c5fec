import FableCore
import FableStoreKit
@testable import FableStore
import Testing

/// The in-memory dense index: bytes for floats, and sketches that choose what a large world's search scores.
struct PieceVectorsTests {
    private struct Random {
        var state: UInt64
        mutating func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(state >> 40) % 2001 - 1000) / 1000
        }
        mutating func unit(_ dimensions: Int, around base: [Float]? = nil, noise: Float = 1) -> [Float] {
            let vector = (0..<dimensions).map { (base?[$0] ?? 0) + noise * next() }
            return VectorMath.normalized(vector)!
        }
    }

    @Test func bytesKeepTheCosine() {
        var random = Random(state: 7)
        for _ in 0..<50 {
            let a = random.unit(384)
            let b = random.unit(384)
            let (keptA, keptB) = (QuantizedVector(a), QuantizedVector(b))
            let cosine = keptA.codes.withUnsafeBufferPointer { a in keptB.codes.withUnsafeBufferPointer { Float(QuantizedVector.dot(a, $0)) } }
                * keptA.scale * keptB.scale
            #expect(abs(cosine - VectorMath.dot(a, b)) < 0.005)
        }
    }

    @Test func aSearchFindsWhatScoringEveryPieceByHandFindsAndNeighboursComeFromTheShortlist() {
        // 300 steps of 10 pieces; from 600 pieces on, pieces have sketches: a search scores in
        // full the 100 whose sketches score best, and a new piece's neighbours are looked for
        // among the 100 whose sketch bits agree most with its own.
        let dimensions = 128
        var random = Random(state: 11)
        var index = PieceVectors(model: "m", dimensions: dimensions, sketchFrom: 600, candidates: 100, neighbourCandidates: 100)
        var stored: [(id: Int64, vector: [Float])] = []
        for step in Int64(1)...300 {
            // Pairs of near pieces, so every piece has a clear nearest neighbour.
            let base = random.unit(dimensions)
            let pieces = (0..<10).map { number in
                (pieceID: StepPieces.pieceID(step: step, number: number),
                 vector: number < 2 ? random.unit(dimensions, around: base, noise: 0.1) : random.unit(dimensions))
            }
            index.set(step: step, pieces)
            stored += pieces.map { ($0.pieceID, $0.vector) }
        }
        #expect(index.count > index.sketchFrom)
        for trial in 0..<20 {
            let target = stored[(trial * 997) % stored.count]
            let query = random.unit(dimensions, around: target.vector, noise: 0.05)
            let exhaustive = stored.max { a, b in
                func score(_ piece: (id: Int64, vector: [Float])) -> Float {
                    VectorMath.dot(query, piece.vector) - PieceVectors.hubWeight * (index.hub(of: piece.id) ?? 0)
                }
                return score(a) < score(b)
            }!
            let found = index.search(query, limit: 3) { _ in true }
            #expect(found.first.map { StepPieces.stepID(ofPiece: $0.pieceID) } == StepPieces.stepID(ofPiece: exhaustive.id),
                    "trial \(trial)")
        }
        // The second piece of each late pair found its twin through the shortlist: its nearest
        // cosine is the one every piece would give.
        var found = 0
        let late = stored.indices.filter { $0 >= 1_000 && $0 % 10 == 1 }
        for position in late {
            let piece = stored[position]
            let best = stored.filter { $0.id != piece.id }.map { VectorMath.dot(piece.vector, $0.vector) }.max()!
            if let nearest = index.nearest(of: piece.id)?.first, abs(nearest - best) < 0.02 { found += 1 }
        }
        #expect(found >= late.count * 9 / 10, "\(found) of \(late.count)")
        // The branch rule: only steps the caller accepts come back.
        let query = random.unit(dimensions, around: stored[5].vector, noise: 0.05)
        #expect(index.search(query, limit: 5) { $0 % 2 == 0 }.allSatisfy { StepPieces.stepID(ofPiece: $0.pieceID) % 2 == 0 })
        // After a restart (the same vectors read in the same order, with their stored
        // neighbours) the sketches are the same, and so is every search.
        var restarted = PieceVectors(model: "m", dimensions: dimensions, sketchFrom: 600, candidates: 100, neighbourCandidates: 100)
        for step in Int64(1)...300 {
            let pieces = stored.filter { StepPieces.stepID(ofPiece: $0.id) == step }
            restarted.set(step: step, pieces.map { (pieceID: $0.id, vector: $0.vector) }, nearest: pieces.map { index.nearest(of: $0.id) })
        }
        for trial in 0..<10 {
            let query = random.unit(dimensions, around: stored[(trial * 313) % stored.count].vector, noise: 0.3)
            #expect(restarted.search(query, limit: 5) { _ in true }.map(\.pieceID) == index.search(query, limit: 5) { _ in true }.map(\.pieceID))
        }
    }

    @Test func sketchesChooseWhatScoringEveryPieceInFullFindsForEmbeddingLikeVectors() {
        // Like an embedding model's vectors: a large part shared by all, more of it in generic
        // pieces than in specific ones, and differences larger in some directions than in others.
        let dimensions = 96
        var random = Random(state: 23)
        let shared = random.unit(dimensions)
        func embedding() -> [Float] {
            let generic = 1 + 2 * abs(random.next())
            let noise = random.unit(dimensions)
            return VectorMath.normalized((0..<dimensions).map { generic * shared[$0] + noise[$0] * 4 / Float(4 + $0) })!
        }
        var sketched = PieceVectors(model: "m", dimensions: dimensions, sketchFrom: 1_000, candidates: 200, neighbourCandidates: 400)
        var steps: [[(pieceID: Int64, vector: [Float])]] = []
        for step in Int64(1)...400 {
            steps.append((0..<10).map { (pieceID: StepPieces.pieceID(step: step, number: $0), vector: embedding()) })
            sketched.set(step: step, steps[steps.count - 1])
        }
        // The same hubness on both sides (the neighbours as they are now): only the choice of
        // what is scored in full differs.
        var full = PieceVectors(model: "m", dimensions: dimensions, sketchFrom: .max)
        for (step, pieces) in zip(Int64(1)..., steps) {
            full.set(step: step, pieces, nearest: pieces.map { sketched.nearest(of: $0.pieceID) })
        }
        var same = 0
        for _ in 0..<40 {
            let query = embedding()
            let all = full.search(query, limit: 3, includes: { _ in true }).map(\.pieceID)
            if sketched.search(query, limit: 3, includes: { _ in true }).map(\.pieceID) == all { same += 1 }
        }
        #expect(same >= 38, "\(same) of 40 searches found what scoring every piece finds")
    }

    @Test func severalQueriesInOnePassFindWhatEachAloneFinds() {
        var random = Random(state: 5)
        var index = PieceVectors(model: "m", dimensions: 32)
        for step in Int64(1)...60 {
            index.set(step: step, (0..<5).map { (StepPieces.pieceID(step: step, number: $0), random.unit(32)) })
        }
        let queries = (0..<3).map { _ in random.unit(32) }
        let together = index.search(queries, limit: 4) { _ in true }
        for (query, list) in zip(queries, together) {
            #expect(list.map(\.pieceID) == index.search(query, limit: 4) { _ in true }.map(\.pieceID))
        }
    }
}
