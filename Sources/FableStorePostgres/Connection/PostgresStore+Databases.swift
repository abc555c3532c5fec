import Logging
import PostgresNIO

extension PostgresStore {
    /// Creates an empty database on the server `location` reaches (connected to its own
    /// database), for a store of its own: a test's, or the target of a copy.
    public static func createDatabase(_ name: String, at location: PostgresLocation) async throws {
        try await administer("CREATE DATABASE", name, at: location)
    }

    /// Drops a database made by `createDatabase`, closing any connection still on it.
    public static func dropDatabase(_ name: String, at location: PostgresLocation) async throws {
        try await administer("DROP DATABASE IF EXISTS", name, at: location, then: " WITH (FORCE)")
    }

    private static func administer(_ command: String, _ name: String, at location: PostgresLocation,
                                   then suffix: String = "") async throws {
        guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw PostgresStoreError.badURL(name, "a new database's name is letters, digits and _ only")
        }
        let logger = Logger(label: "fable.postgres")
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: location.connectionConfiguration(), id: 0,
                                                              logger: logger)
        } catch {
            throw PostgresStoreError.cannotConnect(location.description, PostgresStoreError.reason(error))
        }
        do {
            try await connection.query(PostgresQuery(unsafeSQL: "\(command) \(name)\(suffix)"), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
