import FableCore
import Foundation
import GRDB

/// A row of `account` (not on a step's path, so left to GRDB's `Codable` support).
struct AccountRecord: Codable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "account"
    static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    var id: Int64?
    var name: String
    var passwordHash: String
    var isAdmin: Bool
    var settings: ReaderSettings
    var lastWorldId: Int64?
    var createdAt: Date

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    var account: Account {
        Account(id: id ?? 0, name: name, passwordHash: passwordHash, isAdmin: isAdmin, settings: settings,
                lastWorldID: lastWorldId, createdAt: createdAt)
    }
}
