import FableCore
@testable import FableStore
import Foundation
import GRDB
import Testing

/// FTS5 merges do not run inside commits (migration v7 turns automerge off);
/// `FullTextMerger` merges between them.
@Suite struct FullTextMergerTests {
    private func indexRows(_ store: SQLiteStore) throws -> Int {
        try store.pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM piece_fts_data") ?? 0 }
    }

    @Test func commitsLeaveMergingToTheMergerWhichKeepsTheIndexWhole() async throws {
        // The store's own merger is held back, so the merge below is the only one.
        let store = try SQLiteStore(path: temporaryDatabase(), durability: .everyCommit, mergeInterval: .seconds(3600))
        let automerge = try await store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT v FROM piece_fts_config WHERE k = 'automerge'")
        }
        #expect(automerge == 0)
        let world = try await store.createWorld(label: "merged", premise: testPremise)
        var head: Step?
        let words = ["anchor", "beacon", "cinder", "drift", "ember", "flint", "gale", "harbour"]
        for index in 0..<40 {
            let passage = "The \(words[index % words.count]) of night \(index)."
            head = try await store.commit(draft(world: world.id, parent: head, passage: passage, index: "line \(index)"),
                                          expectedHead: head?.id)
        }
        // Each commit wrote a segment of its own; a merger folds them into fewer rows.
        let written = try indexRows(store)
        let merger = FullTextMerger.start(pool: store.pool, writes: WriteSignal(), interval: .milliseconds(50))
        var merged = written
        for _ in 0..<50 where merged >= written {
            try await Task.sleep(for: .milliseconds(100))
            merged = try indexRows(store)
        }
        #expect(merged < written)
        withExtendedLifetime(merger) {}
        try await store.pool.write { db in try db.execute(sql: "INSERT INTO piece_fts(piece_fts) VALUES('integrity-check')") }
        let headID = try #require(head?.id)
        let found = try await store.searchBranch(endingAt: headID, terms: ["ember"], limit: 10)
        #expect(found.count == 5)
    }

    @Test func sleepsWhileNothingIsWrittenAndWakesForTheNextCommit() async throws {
        let store = try SQLiteStore(path: temporaryDatabase(), durability: .everyCommit, mergeInterval: .milliseconds(20))
        let world = try await store.createWorld(label: "quiet", premise: testPremise)
        var head: Step?
        for index in 0..<30 {
            head = try await store.commit(draft(world: world.id, parent: head, passage: "Night \(index) by the ember."),
                                          expectedHead: head?.id)
        }
        func merges() -> Int { store.writes.merges.load(ordering: .relaxed) }
        // Merged down, the merger stops calling: no new call for half a second (25 intervals).
        var quiet = false
        for _ in 0..<40 where !quiet {
            let before = merges()
            try await Task.sleep(for: .milliseconds(500))
            quiet = merges() == before
        }
        #expect(quiet, "the merger kept calling with nothing written")
        let idle = merges()
        #expect(idle >= 1)
        _ = try await store.commit(draft(world: world.id, parent: head, passage: "One more."), expectedHead: head?.id)
        var woke = false
        for _ in 0..<100 where !woke {
            try await Task.sleep(for: .milliseconds(20))
            woke = merges() > idle
        }
        #expect(woke, "a commit did not wake the merger")
    }
}
