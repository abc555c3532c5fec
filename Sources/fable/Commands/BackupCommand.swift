import ArgumentParser
import FableStore
import Foundation

/// `fable backup OUT`: a consistent copy of the live database, safe while the server runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a new file, consistently, even while the server writes.",
        discussion: """
            The copy (SQLite's VACUUM INTO) holds every world, step and account committed before it \
            started, is compacted, and is readable by its owner only. OUT must not exist. To restore, \
            stop the server, move the database and its -wal and -shm files aside, and copy OUT in \
            its place (see docs/admin.md).
            """)

    @Argument(help: "The new file to write.")
    var out: String

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        do {
            let path = try database.path()
            guard let store = try await database.existingStore() as? SQLiteStore else {
                throw StoreOpeningError.sqliteOnly("""
                    backup copies a SQLite file; for PostgreSQL use the server's own tools \
                    (pg_dump \(StoreOpener.describe(path)))
                    """)
            }
            let started = ContinuousClock.now
            try await store.backup(to: out)
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            let elapsed = ContinuousClock.now - started
            Console.out("backed up \(store.path) to \(out): \(size) bytes in "
                        + String(format: "%.2f s", Double(elapsed.components.attoseconds) / 1e18
                                 + Double(elapsed.components.seconds)) + "\n")
        } catch {
            throw transferFailure("backup", error)
        }
    }
}
