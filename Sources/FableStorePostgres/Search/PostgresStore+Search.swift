import FableCore
import FableStoreKit
import Foundation
import PostgresNIO

/// Long-term search of one branch: PostgreSQL's full text over a story step's pieces
/// (`step_piece.search`, a `tsvector` of the `fable_search` configuration, GIN-indexed), ranked
/// by BM25 in Swift (`BM25`, the SQLite store's formula). A branch of up to
/// `TermBudget.commonPostings` pieces is searched for every word, with its own statistics. A
/// longer one is bounded as the SQLite store's search is (`TermBudget`): each word's count of
/// pieces in the world (`BranchTrees`, kept between searches) picks the words read over the whole
/// branch and those read over its last steps, and gives their idfs. A step counts by its best piece.
extension PostgresStore {
    public func searchBranch(endingAt stepID: Int64, terms: [String], limit: Int) async throws -> [RetrievedPassage] {
        var seen = Set<String>()
        let terms = terms.filter { !$0.isEmpty && seen.insert($0).inserted }
        guard !terms.isEmpty, limit > 0 else { return [] }
        // The words as the index holds them (stemmed, accents removed).
        let words = try await rows("""
            SELECT DISTINCT word.lexeme FROM unnest(\(terms)::text[]) AS term(text),
                unnest(to_tsvector('fable_search'::regconfig, term.text)) AS word
            """) { try $0[0].decode(String.self) }
        guard !words.isEmpty, let branch = try await branch(endingAt: stepID), branch.pieces > 0 else { return [] }
        // Best first (scores negated, as FTS5's are, so lower is better); a step at its best piece.
        var hits: [(step: Int64, piece: Int64, score: Double)] = []
        var taken = Set<Int64>()
        func collect(_ matches: [Match], idf: [String: Double]) {
            var score: [Int64: Double] = [:]
            for match in matches {
                score[match.piece, default: 0] += BM25.term(idf: idf[match.word] ?? 0, frequency: Double(match.frequency),
                                                            length: Double(match.words), meanLength: branch.meanWords)
            }
            for (piece, value) in score.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key })
            where hits.count < limit {
                let step = StepPieces.stepID(ofPiece: piece)
                guard taken.insert(step).inserted else { continue }
                hits.append((step, piece, -value))
            }
        }
        if branch.pieces <= TermBudget.commonPostings {
            let matches = try await self.matches(of: words, steps: branch.steps, worldID: branch.worldID)
            var piecesHolding: [String: Set<Int64>] = [:]
            for match in matches { piecesHolding[match.word, default: []].insert(match.piece) }
            collect(matches, idf: piecesHolding.mapValues { BM25.idf(documents: branch.pieces, matches: $0.count) })
        } else {
            let counts = trees.pieces(holding: words, worldID: branch.worldID)
            let (rare, filling) = TermBudget.split(words.indices.map { TermBudget.Term(term: words[$0], count: counts[$0], order: $0) })
            let documents = max(branch.pieces, counts.max() ?? 0)
            let idf = Dictionary(uniqueKeysWithValues: (rare + filling).map { ($0.term, BM25.idf(documents: documents, matches: $0.count)) })
            if !rare.isEmpty {
                collect(try await matches(of: rare.map(\.term), steps: branch.steps, worldID: branch.worldID), idf: idf)
            }
            if hits.count < limit, !filling.isEmpty {
                let recent = Array(branch.steps.prefix(TermBudget.recentWindow))
                collect(try await matches(of: (rare + filling).map(\.term), steps: recent, worldID: branch.worldID), idf: idf)
            }
        }
        return try await passages(hits.map { ($0.step, $0.piece, $0.score, .bm25, $0.score) })
    }

    /// A word found in a piece: how often, and the piece's length in words.
    private typealias Match = (piece: Int64, words: Int, word: String, frequency: Int)

    /// Every occurrence of `words` in the pieces of `steps`.
    private func matches(of words: [String], steps: [Int64], worldID: Int64) async throws -> [Match] {
        let query = words.map { "'" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'" }
            .joined(separator: " | ")
        return try await rows("""
            SELECT piece.id, piece.words, word.lexeme, cardinality(word.positions)
            FROM step_piece AS piece, unnest(piece.search) AS word
            WHERE piece.search @@ \(query)::tsquery AND piece.world_id = \(worldID)
              AND piece.step_id = ANY(\(steps)::bigint[]) AND word.lexeme = ANY(\(words)::text[])
            """) { (piece: try $0[0].decode(Int64.self), words: try $0[1].decode(Int.self),
                    word: try $0[2].decode(String.self), frequency: try $0[3].decode(Int.self)) }
    }

    /// A step found, its score, and the piece that found it with its own ranking and score.
    typealias Hit = (step: Int64, piece: Int64, score: Double, ranking: RetrievedPiece.Ranking, pieceScore: Double)

    /// The passages of `hits`, in their order, each with the piece that found it.
    func passages(_ hits: [Hit]) async throws -> [RetrievedPassage] {
        guard !hits.isEmpty else { return [] }
        let steps = hits.map(\.step)
        let pieces = hits.map(\.piece)
        var step: [Int64: (depth: Int, indexLine: String, passage: String)] = [:]
        for row in try await rows("""
            SELECT id, depth, index_line, passage FROM step WHERE id = ANY(\(steps)::bigint[])
            """, { (try $0[0].decode(Int64.self), try $0[1].decode(Int.self), try $0[2].decode(String.self),
                    try $0[3].decode(String.self)) }) {
            step[row.0] = (row.1, row.2, row.3)
        }
        var text: [Int64: String] = [:]
        for row in try await rows("SELECT id, text FROM step_piece WHERE id = ANY(\(pieces)::bigint[])",
                                  { (try $0[0].decode(Int64.self), try $0[1].decode(String.self)) }) {
            text[row.0] = row.1
        }
        return hits.enumerated().compactMap { rank, hit in
            guard let found = step[hit.step] else { return nil }
            return RetrievedPassage(stepID: hit.step, depth: found.depth, indexLine: found.indexLine, passage: found.passage,
                                    score: hit.score,
                                    pieces: [RetrievedPiece(id: hit.piece, text: text[hit.piece] ?? "", ranking: hit.ranking,
                                                            rank: rank + 1, score: hit.pieceScore)])
        }
    }
}
