import FableCore
import Testing

private func close(_ a: Double?, _ b: Double) -> Bool {
    guard let a else { return false }
    return abs(a - b) < 1e-12
}

@Suite struct RankFusionTests {
    @Test func sumsReciprocalRanks() {
        let scored = RankFusion.scores([[1, 2, 3], [3, 1, 4]], k: 60)
        let byID = Dictionary(uniqueKeysWithValues: scored.map { ($0.id, $0.score) })
        #expect(close(byID[1], 1.0 / 61 + 1.0 / 62))
        #expect(close(byID[2], 1.0 / 62))
        #expect(close(byID[3], 1.0 / 63 + 1.0 / 61))
        #expect(close(byID[4], 1.0 / 63))
        // 1: 61⁻¹+62⁻¹ > 3: 61⁻¹+63⁻¹ > 2: 62⁻¹ > 4: 63⁻¹.
        #expect(scored.map(\.id) == [1, 3, 2, 4])
        #expect(RankFusion.fuse([[1, 2, 3], [3, 1, 4]]) == [1, 3, 2, 4])
    }

    @Test func anItemBothRankingsNameBeatsEachRankingsOwnTop() {
        // 7 is second in both; each ranking's first is in no other.
        #expect(RankFusion.fuse([[10, 7, 11], [20, 7, 21]]).first == 7)
    }

    @Test func tiesGoToTheBetterSingleRankThenTheEarlierRanking() {
        // 10 and 20 tie at 1/61; 11 and 21 tie at 1/62. The first ranking wins each tie.
        #expect(RankFusion.fuse([[10, 11], [20, 21]]) == [10, 20, 11, 21])
        #expect(RankFusion.fuse([[20, 21], [10, 11]]) == [20, 10, 21, 11])
        // With a small k, first place in one ranking beats third place in both:
        // 1/1.5 > 2/3.5. The default k = 60 flattens the ranks: 2/63 > 1/61.
        #expect(RankFusion.fuse([[5, 8, 6], [7, 9, 6]], k: 0.5) == [5, 7, 6, 8, 9])
        #expect(RankFusion.fuse([[5, 8, 6], [7, 9, 6]]) == [6, 5, 7, 8, 9])
    }

    @Test func limitsRepeatsAndEmptyRankings() {
        #expect(RankFusion.fuse([]) == [])
        #expect(RankFusion.fuse([[], []]) == [])
        #expect(RankFusion.fuse([[], [3, 2, 1]]) == [3, 2, 1])
        #expect(RankFusion.fuse([[1, 2, 3, 4]], limit: 2) == [1, 2])
        #expect(RankFusion.fuse([[1, 2]], limit: 0) == [])
        // A repeat within one ranking counts once, at its first place.
        let repeated = RankFusion.scores([[1, 1, 2]])
        #expect(repeated.map(\.id) == [1, 2])
        #expect(close(repeated[0].score, 1.0 / 61))
        #expect(close(repeated[1].score, 1.0 / 63))
    }

    @Test func normalisesVectors() {
        let unit = VectorMath.normalized([3, 4])!
        #expect(abs(unit[0] - 0.6) < 1e-6 && abs(unit[1] - 0.8) < 1e-6)
        #expect(abs(VectorMath.dot(unit, unit) - 1) < 1e-6)
        #expect(VectorMath.normalized([0, 0]) == nil)
        #expect(VectorMath.normalized([]) == nil)
        #expect(VectorMath.normalized([.nan, 1]) == nil)
        #expect(VectorMath.normalized([.infinity, 1]) == nil)
    }
}

@Suite struct FusionKeepingLeadersTests {
    @Test func keepsEachRankingsFirstItem() {
        // 9 is first in the second ranking only; 1, 2, 3 sit in both at middling ranks.
        let rankings: [[Int64]] = [[5, 1, 2, 3], [9, 1, 2, 3]]
        #expect(RankFusion.fuse(rankings, limit: 3) == [1, 2, 3])
        #expect(RankFusion.fuseKeepingLeaders(rankings, limit: 3) == [1, 5, 9])
        #expect(RankFusion.fuseKeepingLeaders(rankings, limit: 4) == [1, 2, 5, 9])
        // Fewer places than leaders: the better fused leaders (a tie: the earlier ranking's).
        #expect(RankFusion.fuseKeepingLeaders(rankings, limit: 1) == [5])
        #expect(RankFusion.fuseKeepingLeaders(rankings, limit: 0) == [])
    }

    @Test func isPlainFusionWhenTheLeadersAlreadyMakeIt() {
        let rankings: [[Int64]] = [[1, 2, 3, 4], [1, 3, 2, 5]]
        #expect(RankFusion.fuseKeepingLeaders(rankings, limit: 2) == RankFusion.fuse(rankings, limit: 2))
        #expect(RankFusion.fuseKeepingLeaders(rankings, limit: 10) == RankFusion.fuse(rankings))
        #expect(RankFusion.fuseKeepingLeaders([[], [7, 8]], limit: 5) == [7, 8])
    }

    @Test func theInPlaceDotProductMatchesTheScalarOne() {
        for dimensions in [1, 7, 16, 33, 384] {
            let a = (0..<dimensions).map { Float(($0 * 7919) % 13) - 6.5 }
            let b = (0..<dimensions).map { Float(($0 * 104_729) % 17) / 3 - 2 }
            let expected = VectorMath.dot(a, b)
            let got = a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in VectorMath.dot(a, b) } }
            #expect(got.map { abs($0 - expected) <= 1e-3 * max(1, abs(expected)) } == true, "\(dimensions)")
            let longer = b + [1]
            #expect(a.withUnsafeBufferPointer { a in longer.withUnsafeBufferPointer { VectorMath.dot(a, $0) } } == nil)
        }
    }

    @Test func keepsAsManyFirstItemsOfEachRankingAsAskedAndWeighsRankings() {
        // Two of the first ranking's, one of the second's; the third ranking keeps none.
        let rankings: [[Int64]] = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
        #expect(Set(RankFusion.fuseKeepingLeaders(rankings, keeping: [2, 1, 0], limit: 3)) == [1, 2, 4])
        #expect(Set(RankFusion.fuseKeepingLeaders(rankings, keeping: [3, 0, 0], limit: 3)) == [1, 2, 3])
        // A ranking of weight ½ counts half: with k = 1, 1/2 and 1/3 for the first ranking's, ½ × 1/2 for the other's.
        let weighted = RankFusion.scores([[1, 2], [3]], k: 1, weights: [1, 0.5])
        #expect(weighted.map(\.id) == [1, 2, 3])
        #expect(zip(weighted.map(\.score), [0.5, 1.0 / 3, 0.25]).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func standardScoresSayHowFarEachStandsOut() {
        let scores = RankFusion.standardScores([10, 2, 2, 2, 2])
        #expect(abs(scores[0] - 2) < 1e-9)
        #expect(scores.dropFirst().allSatisfy { abs($0 + 0.5) < 1e-9 })
        #expect(RankFusion.standardScores([3, 3, 3]) == [0, 0, 0])
        #expect(RankFusion.standardScores([]).isEmpty)
    }
}
