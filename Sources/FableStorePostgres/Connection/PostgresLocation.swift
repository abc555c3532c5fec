import Foundation

/// Where a PostgreSQL store lives, as `--db` names it: `postgres://user[:password]@host[:port]/database`
/// (or `postgresql://`), with `?sslmode=disable|prefer|require` (default `prefer`).
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var tls: TLSMode

    public init(host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
                tls: TLSMode = .prefer) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tls = tls
    }

    /// Whether `--db` names a PostgreSQL server rather than a SQLite file.
    public static func isURL(_ db: String) -> Bool {
        db.hasPrefix("postgres://") || db.hasPrefix("postgresql://")
    }

    /// Parses a URL; nil when `db` is not a PostgreSQL URL, an error when it is one but malformed.
    public static func parse(_ db: String) throws -> PostgresLocation? {
        guard isURL(db) else { return nil }
        guard let url = URLComponents(string: db), let host = url.host, !host.isEmpty else {
            throw PostgresStoreError.badURL(redacted(db), "it names no host")
        }
        guard let user = url.user, !user.isEmpty else {
            throw PostgresStoreError.badURL(redacted(db), "it names no user (postgres://USER@HOST/DATABASE)")
        }
        let database = String(url.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw PostgresStoreError.badURL(redacted(db), "it names no database (postgres://USER@HOST/DATABASE)")
        }
        var tls = TLSMode.prefer
        for item in url.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw PostgresStoreError.badURL(redacted(db), "sslmode is disable, prefer or require")
                }
                tls = mode
            default:
                throw PostgresStoreError.badURL(redacted(db), "unknown parameter \(item.name) (only sslmode is read)")
            }
        }
        return PostgresLocation(host: host, port: url.port ?? 5432, username: user.removingPercentEncoding ?? user,
                                password: url.password.map { $0.removingPercentEncoding ?? $0 },
                                database: database.removingPercentEncoding ?? database, tls: tls)
    }

    /// The URL without its password, for messages and logs.
    public var description: String {
        "postgres://\(username)@\(host):\(port)/\(database)"
    }

    /// `db` with any password replaced, so an error message never shows it.
    static func redacted(_ db: String) -> String {
        guard var url = URLComponents(string: db), url.password != nil else { return db }
        url.password = "***"
        return url.string ?? "postgres://…"
    }

    /// The same server and credentials, another database (tests make one each).
    public func with(database: String) -> PostgresLocation {
        var copy = self
        copy.database = database
        return copy
    }
}
