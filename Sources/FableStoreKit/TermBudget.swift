/// How a long-term search keeps its cost bounded on a long story, the same in every store. The
/// index holds pieces (a step's index line and sentences, `StepPieces`), and what a search costs
/// is the postings of its terms in the branch: a passage counts by its best piece. Each term's
/// pieces in the world are counted, and the counts also give the idfs. When the terms hold at
/// most `postingBudget` pieces in all, they are all searched over the whole branch: plain BM25,
/// as on any small world. Otherwise the rarest terms, up to `postingBudget` pieces (at most
/// `rareTermLimit` terms), are searched over the whole branch; if they find fewer passages than
/// asked for, the rest are filled from the last `recentWindow` steps of the branch by the next
/// rarest terms, up to `commonPostings` pieces. A term in more pieces than that (a name in every
/// other passage of a 10,000-step story) is left out: it weighs little in BM25, and the passages
/// it would bring are the ones it ranks lowest.
package enum TermBudget {
    package static let postingBudget = 600
    package static let commonPostings = 2_400
    package static let rareTermLimit = 12
    package static let recentWindow = 128

    /// A query term found in `count` pieces of the world; `order` is its place in the query.
    package struct Term: Sendable, Equatable {
        package var term: String
        package var count: Int
        package var order: Int

        package init(term: String, count: Int, order: Int) {
            self.term = term
            self.count = count
            self.order = order
        }
    }

    /// The terms searched over the whole branch (`rare`), and those that fill from its last
    /// `recentWindow` steps beside them (`filling`). Terms found nowhere are left out.
    package static func split(_ terms: [Term]) -> (rare: [Term], filling: [Term]) {
        let counted = terms.filter { $0.count > 0 }
        guard counted.reduce(0, { $0 + $1.count }) > postingBudget else { return (counted, []) }
        var rare: [Term] = []
        var filling: [Term] = []
        var postings = 0
        for entry in counted.sorted(by: { ($0.count, $0.order) < ($1.count, $1.order) }) {
            if filling.isEmpty, postings + entry.count <= postingBudget, rare.count < rareTermLimit {
                rare.append(entry)
                postings += entry.count
            } else if entry.count <= commonPostings, postings + entry.count <= commonPostings {
                filling.append(entry)
                postings += entry.count
            }
        }
        return (rare, filling)
    }
}
