import GRDB
import Synchronization

/// Merges the full-text index's segments a little at a time (FTS5's 'merge' command, at most
/// `pages` pages a call), every interval, through the store's writer: a commit waits at most
/// for one short call instead of the whole merge FTS5 would otherwise run inside the commit
/// that fills a level (automerge is off since migration v7). Once a call finds nothing to
/// merge it sleeps until the store writes again: an idle server does not wake its writer
/// ten times a second.
enum FullTextMerger {
    /// 64 pages every 100 ms: a commit that waits behind a call waits far less than for the
    /// whole merge FTS5's automerge would run inside it (figures in docs/benchmarks.md).
    static let interval = Duration.milliseconds(100)

    static func start(pool: DatabasePool, writes: WriteSignal, interval: Duration = interval,
                      pages: Int = 64) -> RepeatingTask {
        RepeatingTask(every: interval) {
            let seen = writes.count.load(ordering: .relaxed)
            guard writes.idleAt.load(ordering: .relaxed) != seen else { return }
            writes.merges.add(1, ordering: .relaxed)
            // A failure (the file is busy, or closing) is retried at the next interval.
            let merged = try? await pool.writeWithoutTransaction { db in
                let before = db.totalChangesCount
                try db.cachedStatement(sql: "INSERT INTO piece_fts(piece_fts, rank) VALUES('merge', ?)")
                    .execute(arguments: [pages])
                // FTS5's own test: a 'merge' that did no work adds less than 2 to total_changes.
                return db.totalChangesCount - before >= 2
            }
            if merged == false { writes.idleAt.store(seen, ordering: .relaxed) }
        }
    }
}

/// The store's writes, counted so its background merger knows when there may be work.
final class WriteSignal: Sendable {
    let count = Atomic<UInt64>(0)
    /// The count when a merge last found nothing to do (none yet: `.max`).
    let idleAt = Atomic<UInt64>(.max)
    /// Merge calls made, for tests.
    let merges = Atomic<Int>(0)

    func wrote() { count.add(1, ordering: .relaxed) }
}
