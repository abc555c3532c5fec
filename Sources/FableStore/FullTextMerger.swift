import GRDB

/// Merges the full-text index's segments a little at a time (FTS5's 'merge' command, at most
/// `pages` pages a call), every interval, through the store's writer: a commit waits at most
/// for one short call instead of the whole merge FTS5 would otherwise run inside the commit
/// that fills a level (automerge is off since migration v7).
enum FullTextMerger {
    /// 64 pages every 100 ms: ~0.2 ms a call at p50, 7 ms at p90 while commits arrive
    /// (measured on a copy of the 10,000-step bench world), against ~20 ms merges inside every
    /// 64th commit before.
    static let interval = Duration.milliseconds(100)

    static func start(pool: DatabasePool, interval: Duration = interval, pages: Int = 64) -> RepeatingTask {
        RepeatingTask(every: interval) {
            // A failure (the file is busy, or closing) is retried at the next interval.
            _ = try? await pool.writeWithoutTransaction { db in
                try db.cachedStatement(sql: "INSERT INTO step_fts(step_fts, rank) VALUES('merge', ?)")
                    .execute(arguments: [pages])
            }
        }
    }
}
