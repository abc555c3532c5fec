import FableCore
import FableStoreKit
@testable import FableStore
import Testing

/// The in-memory dense index: bytes for floats, and the two-pass search of a large world.
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
            let kept = QuantizedVector(b)
            let cosine = a.withUnsafeBufferPointer { a in kept.codes.withUnsafeBufferPointer { QuantizedVector.dot(a, $0) } }
                * kept.scale
            #expect(abs(cosine - VectorMath.dot(a, b)) < 0.005)
        }
    }

    @Test func aSearchFindsWhatScoringEveryPieceByHandFindsAndNeighboursComeFromTheShortlist() {
        // 300 steps of 10 pieces; from 600 pieces on, a new piece's neighbours are looked for
        // among the 100 whose signs agree most with its own.
        let dimensions = 64
        var random = Random(state: 11)
        var index = PieceVectors(model: "m", dimensions: dimensions, shortlistSize: 100, shortlistFrom: 600)
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
        #expect(index.count > index.shortlistFrom)
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
