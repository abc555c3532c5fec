import FableCore
import FableEngine
import FableStore
import FableStorePostgres
import Foundation

/// The database `--db` names: a PostgreSQL server (`postgres://user@host:port/database`) or a
/// SQLite file (any other value; the default).
enum StoreOpener {
    typealias Store = StoreCopy.Store

    /// Opens (and migrates) the store. `mustExist`: a SQLite file that is not there is an
    /// error rather than a new database (for the commands that only read or add to one).
    static func open(_ db: String, durability: Durability = .everyCommit, mustExist: Bool = false) async throws -> any Store {
        if let location = try PostgresLocation.parse(db) {
            return try await PostgresStore.open(location, waitForFlush: durability == .everyCommit)
        }
        if mustExist, !FileManager.default.fileExists(atPath: db) {
            throw StoreOpeningError.noDatabase(db)
        }
        return try SQLiteStore(path: db, durability: durability)
    }

    /// Where files that live beside the database (the self-signed TLS certificate) go: beside a
    /// SQLite file, or in the current folder for a PostgreSQL server.
    static func localPath(for db: String) -> String {
        PostgresLocation.isURL(db) ? FileManager.default.currentDirectoryPath + "/fable-postgres" : db
    }

    /// The database as messages name it (a URL without its password).
    static func describe(_ db: String) -> String {
        (try? PostgresLocation.parse(db))?.map(\.description) ?? db
    }
}

enum StoreOpeningError: Error, CustomStringConvertible {
    case noDatabase(String)
    case sqliteOnly(String)

    var description: String {
        switch self {
        case .noDatabase(let path): return "there is no database at \(path) (give --db or set FABLE_DB)"
        case .sqliteOnly(let what): return what
        }
    }
}
