import FableCore
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

    @Test func theShortlistFindsWhatScoringEveryPieceFinds() {
        // 300 steps of 10 pieces, a shortlist of 100 from 600 pieces on: searches and new
        // pieces' neighbours go through the signs' shortlist.
        let dimensions = 64
        var random = Random(state: 11)
        var index = PieceVectors(model: "m", dimensions: dimensions, shortlistSize: 100, shortlistFrom: 600)
        var stored: [(id: Int64, vector: [Float])] = []
        for step in Int64(1)...300 {
            let pieces = (0..<10).map { number in
                (pieceID: StepPieces.pieceID(step: step, number: number), vector: random.unit(dimensions))
            }
            index.set(step: step, pieces)
            stored += pieces.map { ($0.pieceID, $0.vector) }
        }
        #expect(index.count > index.shortlistFrom)
        for trial in 0..<20 {
            let target = stored[(trial * 997) % stored.count]
            let query = random.unit(dimensions, around: target.vector, noise: 0.05)
            // Every piece scored, as the search scores its shortlist.
            let exhaustive = stored.max { a, b in
                func score(_ piece: (id: Int64, vector: [Float])) -> Float {
                    VectorMath.dot(query, piece.vector) - PieceVectors.hubWeight * (index.hub(of: piece.id) ?? 0)
                }
                return score(a) < score(b)
            }!
            let found = index.search(query, limit: 3) { _ in true }
            #expect(found.first.map { StepPieces.stepID(ofPiece: $0.pieceID) } == StepPieces.stepID(ofPiece: exhaustive.id),
                    "trial \(trial)")
            #expect(found.first?.pieceID == target.id)
        }
        // Every piece has its ten neighbours, found through the shortlist once the world grew.
        let last = stored.last!.id
        #expect(index.nearest(of: last)?.allSatisfy { $0 > -1 } == true)
        // The branch rule holds in the shortlist too: only steps it accepts come back.
        let query = random.unit(dimensions, around: stored[5].vector, noise: 0.05)
        #expect(index.search(query, limit: 5) { $0 % 2 == 0 }.allSatisfy { StepPieces.stepID(ofPiece: $0.pieceID) % 2 == 0 })
    }
}
