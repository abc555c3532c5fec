import FableCore
@testable import FableStore
import Foundation
import GRDB
import Testing

/// Passages of twelve one-token words, so every world's rows have the same length.
private func passage(_ seed: inout UInt64, favouring favourite: String? = nil) -> String {
    let words = ["heron", "kite", "tide", "lantern", "quay", "fog", "bell", "rope", "salt", "gull", "reed", "ember"]
    return (0..<12).map { _ in
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        let pick = Int((seed >> 33) % UInt64(words.count + 4))
        return pick < words.count ? words[pick] : (favourite ?? "stone")
    }.joined(separator: " ") + "."
}

private let terms = ["heron", "kite", "lantern", "ember"]

@Suite struct WorldBM25Tests {
    @Test func ranksAsFTS5sOwnBM25WhenTheFileHoldsOneWorld() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "one", premise: testPremise)
        var seed: UInt64 = 7
        var head: Step?
        for _ in 0..<60 {
            head = try await store.commit(draft(world: world.id, parent: head, passage: passage(&seed)), expectedHead: head?.id)
        }
        let match = terms.map { "\"\($0)\"" }.joined(separator: " OR ")
        let rows = try store.pool.read { db in
            let documents = try Int.fetchOne(db, sql: "SELECT count(*) FROM piece_fts") ?? 0
            let idfs = try terms.map { term in
                let matches = try Int.fetchOne(db, sql: "SELECT count(*) FROM piece_fts WHERE piece_fts MATCH ?",
                                               arguments: ["\"\(term)\""]) ?? 0
                return WorldBM25.idf(documents: documents, matches: matches)
            }
            return try Row.fetchAll(db, sql: """
                SELECT bm25(piece_fts, 1.0, 0.0), world_bm25(piece_fts, ?) FROM piece_fts WHERE piece_fts MATCH ?
                """, arguments: [WorldBM25.argument(idfs), match])
        }
        #expect(rows.count > 30)
        for row in rows {
            let fts5: Double = row[0]
            let ours: Double = row[1]
            #expect(fts5 < 0 && abs(fts5 - ours) < 1e-9, "bm25 \(fts5), world_bm25 \(ours)")
        }
    }

    @Test func aWorldsRankingDoesNotChangeWhenAnotherWorldSharesTheFile() async throws {
        // The same world alone, and with a neighbour whose steps come between its own and
        // whose passages are full of one of the search terms.
        func search(withNeighbour: Bool) async throws -> (found: [RetrievedPassage], fts5TopScore: Double) {
            let store = try SQLiteStore(path: temporaryDatabase())
            let world = try await store.createWorld(label: "reader", premise: testPremise)
            let other = try await store.createWorld(label: "neighbour", premise: testPremise)
            var seed: UInt64 = 11
            var otherSeed: UInt64 = 99
            var head: Step?
            var otherHead: Step?
            for _ in 0..<50 {
                head = try await store.commit(draft(world: world.id, parent: head, passage: passage(&seed)),
                                              expectedHead: head?.id)
                if withNeighbour {
                    otherHead = try await store.commit(
                        draft(world: other.id, parent: otherHead, passage: passage(&otherSeed, favouring: "heron")),
                        expectedHead: otherHead?.id)
                }
            }
            let found = try await store.searchBranch(endingAt: head!.id, terms: terms, limit: 8)
            let top = try #require(found.first)
            let fts5 = try await store.pool.read { db in
                try Double.fetchOne(db, sql: """
                    SELECT bm25(piece_fts, 1.0, 0.0) FROM piece_fts WHERE piece_fts MATCH ? AND rowid = ?
                    """, arguments: [terms.map { "\"\($0)\"" }.joined(separator: " OR "), top.pieces[0].id]) ?? 0
            }
            return (found, fts5)
        }
        let alone = try await search(withNeighbour: false)
        let shared = try await search(withNeighbour: true)
        #expect(alone.found.count == 8)
        #expect(alone.found.map(\.depth) == shared.found.map(\.depth))
        for (a, b) in zip(alone.found, shared.found) {
            #expect(abs(a.score - b.score) < 1e-9, "depth \(a.depth): \(a.score) alone, \(b.score) beside another world")
        }
        // FTS5's own bm25() would have ranked the reader's passages by the neighbour's words too.
        #expect(abs(alone.fts5TopScore - shared.fts5TopScore) > 0.01)
    }

    @Test func termCountsKeptAcrossStepsEqualFreshOnes() async throws {
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path)
        let world = try await store.createWorld(label: "counted", premise: testPremise)
        var seed: UInt64 = 3
        var head: Step?
        var warm: [[Int64]] = []
        for _ in 0..<40 {
            head = try await store.commit(draft(world: world.id, parent: head, passage: passage(&seed)), expectedHead: head?.id)
            warm.append(try await store.searchBranch(endingAt: head!.id, terms: terms, limit: 5).map(\.stepID))
        }
        // Each term was counted whole once; every later step only added its new passages.
        #expect(store.cache.frequenciesMeasured.load(ordering: .relaxed) == terms.count)
        let cold = try SQLiteStore(path: path)
        let fresh = try await cold.searchBranch(endingAt: head!.id, terms: terms, limit: 5).map(\.stepID)
        #expect(fresh == warm.last)
        let headID = try #require(head).id
        let counts = try await store.pool.read { db in
            let branch = try #require(try store.cache.branch(endingAt: headID, db))
            return try SQLiteStore.termCounts(db, terms: terms, branch: branch, first: branch.chain[0], scope: nil,
                                              cache: store.cache)
        }
        let exact = try await store.pool.read { db in
            try terms.map { term in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM piece_fts WHERE piece_fts MATCH ?", arguments: ["\"\(term)\""]) ?? 0
            }
        }
        #expect(counts == exact)
    }
}
