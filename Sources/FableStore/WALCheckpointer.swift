import GRDB

/// Copies the write-ahead log into the database file every interval: a passive checkpoint
/// syncs the log, copies it and syncs the file. Under `Durability.within` this is what puts
/// commits on the disk. It runs on a connection of its own, so writers never wait for its
/// fsyncs (the commits' own automatic checkpoint is off); with nothing new in the log it
/// costs nothing.
enum WALCheckpointer {
    static func start(path: String, interval: Duration) throws -> RepeatingTask {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        let connection = try DatabaseQueue(path: path, configuration: configuration)
        return RepeatingTask(every: interval) {
            // A failure (the file is busy, or gone at shutdown) is retried at the next interval.
            _ = try? await connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
        }
    }
}
