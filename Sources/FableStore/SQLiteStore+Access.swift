import GRDB

/// The store's doors to the database. Every write goes through `write`: one transaction, then
/// a word to the merger.
///
/// A step's short reads run on the caller's thread: GRDB's async read hops to a reader's queue
/// and back, which costs more than most of those reads do. They have a read-only connection of
/// their own (`shortReads`), not the pool's readers: an awaited read gives its reader back only
/// once a task's thread resumes it, so tasks' threads blocked waiting for a reader could be the
/// very ones those reads need (a deadlock). Reads that may run long (exports, listings, the
/// dense scan) stay awaited, so they do not hold one of the few threads the server's tasks share.
///
/// Writes stay awaited too, though a commit on the caller's thread would be faster: its fsync
/// is disk I/O of no bound (tens of ms on a busy disk), and two of them would hold every thread
/// Swift's tasks have.
extension SQLiteStore {
    /// A short read, on the caller's thread. Like GRDB's async read, a cancelled task reads nothing.
    func readHere<T>(_ value: (Database) throws -> T) throws -> T {
        try Task.checkCancellation()
        return try shortReads.inDatabase { db in try db.inKeptTransaction("BEGIN DEFERRED", value) }
    }

    /// A write, off the caller's thread.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        defer { writes.wrote() }
        return try await pool.writeWithoutTransaction { db in try db.inKeptTransaction("BEGIN IMMEDIATE", updates) }
    }
}

extension Database {
    /// `body` in one transaction begun by `begin` and ended through kept statements. GRDB's
    /// `read` and `write` prepare their SAVEPOINT or BEGIN and its end anew at every call, four
    /// of a step's few dozen statements. Any error rolls the transaction back.
    func inKeptTransaction<T>(_ begin: String, _ body: (Database) throws -> T) throws -> T {
        try cachedStatement(sql: begin).execute()
        do {
            let value = try body(self)
            try cachedStatement(sql: "COMMIT").execute()
            return value
        } catch {
            // SQLite may have rolled back already (a full disk, for one).
            if isInsideTransaction { try? cachedStatement(sql: "ROLLBACK").execute() }
            throw error
        }
    }
}
