import FableCore
import Foundation
import GRDB

extension SQLiteStore: AccountStore {
    public func createAccount(name: String, passwordHash: String) async throws -> Account {
        try await write { db in
            if try AccountRecord.filter(Column("name") == name).fetchCount(db) > 0 {
                throw AccountError.nameTaken(name)
            }
            var record = AccountRecord(id: nil, name: name, passwordHash: passwordHash, isAdmin: false,
                                       settings: ReaderSettings(), lastWorldId: nil, createdAt: Date())
            try record.insert(db)
            return record.account
        }
    }

    public func account(name: String) async throws -> Account? {
        // The column's NOCASE collation makes this case-insensitive.
        try readHere { db in try AccountRecord.filter(Column("name") == name).fetchOne(db)?.account }
    }

    public func account(id: Int64) async throws -> Account? {
        try readHere { db in try AccountRecord.fetchOne(db, key: id)?.account }
    }

    public func saveSettings(accountID: Int64, _ settings: ReaderSettings) async throws {
        try await updateAccount(accountID) { $0.settings = settings }
    }

    public func setLastWorld(accountID: Int64, worldID: Int64?) async throws {
        try await updateAccount(accountID) { $0.lastWorldId = worldID }
    }

    public func setAdmin(name: String, _ isAdmin: Bool) async throws -> Account {
        try await write { db in
            guard var record = try AccountRecord.filter(Column("name") == name).fetchOne(db) else {
                throw AccountError.noSuchAccount(name)
            }
            record.isAdmin = isAdmin
            try record.update(db)
            return record.account
        }
    }

    private func updateAccount(_ id: Int64, _ change: @escaping @Sendable (inout AccountRecord) -> Void) async throws {
        try await write { db in
            guard var record = try AccountRecord.fetchOne(db, key: id) else {
                throw AccountError.noSuchAccount("#\(id)")
            }
            change(&record)
            try record.update(db)
        }
    }
}
