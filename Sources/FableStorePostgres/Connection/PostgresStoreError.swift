import PostgresNIO

/// What went wrong reaching or using a PostgreSQL store, said so an operator can act on it.
public enum PostgresStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case badURL(String, String)
    case cannotConnect(String, String)
    case newerSchema(Int, known: Int)
    case migrationFailed(Int, String, String)

    public var description: String {
        switch self {
        case .badURL(let url, let why): return "\(url) is not a usable PostgreSQL URL: \(why)"
        case .cannotConnect(let location, let why): return "cannot connect to PostgreSQL at \(location): \(why)"
        case .migrationFailed(let version, let name, let why):
            return "the database's schema could not be brought to version \(version) (\(name)): \(why)"
        case .newerSchema(let version, let known):
            return "the database's schema is at version \(version), newer than this fable knows (\(known)): upgrade fable"
        }
    }

    /// The server's own message when there is one (PSQLError's description hides it on purpose,
    /// in case a query's values are secret; a connection's failure holds none).
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let code = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                return message + code
            }
            if let underlying = error.underlying { return String(describing: underlying) }
            return "\(error.code)"
        }
        return String(describing: error)
    }
}
