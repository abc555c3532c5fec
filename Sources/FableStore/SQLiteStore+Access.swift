import GRDB

/// The store's doors to the database. Every write goes through `writeHere` or `write`: one
/// transaction, then a word to the merger.
///
/// A step's reads and writes are short (a fraction of a millisecond, a commit's fsync about
/// one), so they run on the caller's thread: GRDB's async accesses hop to a connection's queue
/// and back, which cost more than most of them (issue 7: an empty read took 0.27 ms that way,
/// 0.085 ms here; a commit 1.64 against 1.22 ms). GRDB documents synchronous access from tasks
/// as correct; the cost is that a task's thread is held while the caller waits, so work that
/// may run long (an import, an export, a listing of a world) keeps GRDB's async accesses.
///
/// The short reads have a connection of their own (`shortReads`), not the pool's readers: an
/// awaited read gives its reader back only once a task's thread resumes it, so tasks' threads
/// blocked waiting for a reader could be the very ones those reads need (a deadlock, seen in
/// the fourth round). Writes have no such cycle: an awaited write frees the writer on the
/// writer's own queue.
extension SQLiteStore {
    /// A short read, on the caller's thread. Like GRDB's async read, a cancelled task reads nothing.
    func readHere<T>(_ value: (Database) throws -> T) throws -> T {
        try Task.checkCancellation()
        return try shortReads.read(value)
    }

    /// A short write, on the caller's thread. Like GRDB's async write, a cancelled task writes
    /// nothing: a step the reader stopped is not committed after all.
    func writeHere<T>(_ updates: (Database) throws -> T) throws -> T {
        try Task.checkCancellation()
        defer { writes.wrote() }
        return try pool.write(updates)
    }

    /// A write that may run long, off the caller's thread.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        defer { writes.wrote() }
        return try await pool.write(updates)
    }
}
