/// Reciprocal rank fusion (Cormack, Clarke and Büttcher, 2009): each ranking gives an item
/// 1 / (k + rank), rank counted from 1; the sums decide. Only ranks matter, so rankings
/// whose scores live on different scales (BM25, cosine) fuse without calibration.
public enum RankFusion {
    /// The constant of the original paper: large enough that the top few ranks of one
    /// ranking do not drown the others.
    public static let defaultK = 60.0

    /// The fused score of each item (higher is better), best first. Ties go to the item
    /// with the better single rank, then to the one an earlier ranking names first.
    /// An item repeated within one ranking counts at its first place only.
    /// `weights`: one per ranking (missing ones count 1): a ranking of weight w gives w / (k + rank).
    public static func scores(_ rankings: [[Int64]], k: Double = defaultK, weights: [Double] = [])
        -> [(id: Int64, score: Double)] {
        var score: [Int64: Double] = [:]
        var bestRank: [Int64: Int] = [:]
        var firstSeen: [Int64: Int] = [:]
        var order = 0
        for (number, ranking) in rankings.enumerated() {
            let weight = number < weights.count ? weights[number] : 1
            var seen = Set<Int64>()
            for (index, id) in ranking.enumerated() where seen.insert(id).inserted {
                let rank = index + 1
                score[id, default: 0] += weight / (k + Double(rank))
                bestRank[id] = min(bestRank[id] ?? rank, rank)
                if firstSeen[id] == nil {
                    firstSeen[id] = order
                    order += 1
                }
            }
        }
        return score.map { (id: $0.key, score: $0.value) }.sorted { a, b in
            if a.score != b.score { return a.score > b.score }
            if bestRank[a.id]! != bestRank[b.id]! { return bestRank[a.id]! < bestRank[b.id]! }
            return firstSeen[a.id]! < firstSeen[b.id]!
        }
    }

    /// The fused ids, best first, at most `limit` of them.
    public static func fuse(_ rankings: [[Int64]], k: Double = defaultK, weights: [Double] = [],
                            limit: Int = .max) -> [Int64] {
        Array(scores(rankings, k: k, weights: weights).prefix(max(0, limit)).map(\.id))
    }

    /// Like `fuse`, but the first item of every ranking is kept among the `limit` (as many
    /// as fit, the better fused first); the other places go by fused score, and the result
    /// is in fused order. Plain RRF lets items that both rankings hold at middling ranks
    /// push out an item only one ranking finds, however sure that ranking is — in a short
    /// branch, where the candidate lists must overlap, always. Keeping the leaders lets a
    /// fact asked for in other words (found by vector only) or by a rare name (by BM25
    /// only) reach the prompt.
    /// `keeping`: how many first items of each ranking are kept (missing ones: 1); `weights`
    /// as in `scores`.
    public static func fuseKeepingLeaders(_ rankings: [[Int64]], k: Double = defaultK, weights: [Double] = [],
                                          keeping: [Int] = [], limit: Int) -> [Int64] {
        guard limit > 0 else { return [] }
        let fused = scores(rankings, k: k, weights: weights).map(\.id)
        let leaders = Set(rankings.enumerated().flatMap { number, ranking in
            ranking.prefix(number < keeping.count ? keeping[number] : 1)
        })
        var chosen = Set(fused.filter(leaders.contains).prefix(limit))
        for id in fused where chosen.count < limit && !chosen.contains(id) {
            chosen.insert(id)
        }
        return fused.filter(chosen.contains)
    }

    /// How many standard deviations above its ranking's mean each score is (0 when all are
    /// alike): scores of different queries do not compare, how far one stands out does.
    public static func standardScores(_ scores: [Double]) -> [Double] {
        let mean = scores.reduce(0, +) / Double(max(scores.count, 1))
        let spread = (scores.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(max(scores.count, 1))).squareRoot()
        return scores.map { spread > 0 ? ($0 - mean) / spread : 0 }
    }
}
