/// The best `limit` hits seen, best first; equal scores: the later (deeper) one first.
package struct TopHits {
    package let limit: Int
    package private(set) var hits: [(id: Int64, cosine: Float)] = []

    package init(limit: Int) {
        self.limit = limit
        hits.reserveCapacity(limit + 1)
    }

    private static func before(_ a: (id: Int64, cosine: Float), _ b: (id: Int64, cosine: Float)) -> Bool {
        a.cosine != b.cosine ? a.cosine > b.cosine : a.id > b.id
    }

    package mutating func add(id: Int64, cosine: Float) {
        let hit = (id: id, cosine: cosine)
        if hits.count == limit, let last = hits.last, !Self.before(hit, last) { return }
        var index = hits.count
        while index > 0, Self.before(hit, hits[index - 1]) { index -= 1 }
        hits.insert(hit, at: index)
        if hits.count > limit { hits.removeLast() }
    }
}
