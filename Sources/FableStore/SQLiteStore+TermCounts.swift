import FableCore
import GRDB

extension SQLiteStore {
    /// How many pieces of steps `first...branch.stepID` hold each term (at most
    /// `commonPostings + 1`), in the world alone when `scope` (its MATCH phrase) is given.
    /// A term counted a few steps ago keeps its count plus its pieces since, and those
    /// pieces are found for all such terms in one query over the new steps; a term not
    /// counted, or counted too long ago, is counted whole. The counts are exact either way,
    /// so the idfs the search ranks with do not depend on what the cache held.
    static func termCounts(_ db: Database, terms: [String], branch: SearchCache.Branch, first: Int64,
                           scope: String?, cache: SearchCache) throws -> [Int] {
        let cap = commonPostings + 1
        var counts = [Int](repeating: 0, count: terms.count)
        var stale: [(index: Int, known: SearchCache.TermCount)] = []
        for (index, term) in terms.enumerated() {
            if let known = cache.termCount(of: term, worldID: branch.worldID, first: first, last: branch.stepID) {
                counts[index] = known.count
                if known.measuredUpTo < branch.stepID { stale.append((index, known)) }
                continue
            }
            let counting = try db.cachedStatement(sql: """
                SELECT count(*) FROM (SELECT rowid FROM piece_fts
                                      WHERE piece_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?)
                """)
            let match = (scope.map { "\($0) AND " } ?? "") + "\"\(term)\""
            counts[index] = try Int.fetchOne(counting, arguments: [match, StepPieces.firstPieceID(ofStep: first),
                                                                   StepPieces.lastPieceID(ofStep: branch.stepID), cap]) ?? 0
            cache.setTermCount(.init(count: counts[index], first: first, measuredUpTo: branch.stepID),
                               of: term, worldID: branch.worldID, measured: true)
        }
        let offset = scope == nil ? 0 : 1
        let batch = PhraseMask.phrases - offset
        for start in stride(from: 0, to: stale.count, by: batch) {
            let group = stale[start ..< min(start + batch, stale.count)]
            let any = group.map { "\"\(terms[$0.index])\"" }.joined(separator: " OR ")
            let match = scope.map { "\($0) AND (\(any))" } ?? any
            let lowest = group.map(\.known.measuredUpTo).min()! + 1
            let newer = try db.cachedStatement(sql: """
                SELECT rowid, \(PhraseMask.functionName)(piece_fts) FROM piece_fts
                WHERE piece_fts MATCH ? AND rowid BETWEEN ? AND ?
                """)
            let rows = try Row.fetchCursor(newer, arguments: [match, StepPieces.firstPieceID(ofStep: lowest),
                                                              StepPieces.lastPieceID(ofStep: branch.stepID)])
            while let row = try rows.next() {
                let id = StepPieces.stepID(ofPiece: row[0])
                let mask = UInt64(bitPattern: row[1])
                for (bit, entry) in group.enumerated()
                where id > entry.known.measuredUpTo && mask & (1 << UInt64(bit + offset)) != 0 {
                    counts[entry.index] = min(counts[entry.index] + 1, cap)
                }
            }
            for entry in group {
                cache.setTermCount(.init(count: counts[entry.index], first: entry.known.first,
                                         measuredUpTo: branch.stepID),
                                   of: terms[entry.index], worldID: branch.worldID, measured: false)
            }
        }
        return counts
    }
}
