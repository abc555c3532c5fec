import FableCore
import Foundation
import PostgresNIO

extension PostgresStore: AccountStore {
    public func createAccount(name: String, passwordHash: String) async throws -> Account {
        let settings = try JSONText.encode(ReaderSettings())
        // The unique index on lower(name) settles two front ends creating the same name at once.
        let created = try await rows("""
            INSERT INTO account(name, password_hash, settings, created_at)
            VALUES (\(name), \(passwordHash), \(settings), \(Date()))
            ON CONFLICT DO NOTHING
            RETURNING \(unescaped: Rows.accountColumns)
            """, Rows.account)
        guard let account = created.first else { throw AccountError.nameTaken(name) }
        return account
    }

    public func account(name: String) async throws -> Account? {
        try await rows("SELECT \(unescaped: Rows.accountColumns) FROM account WHERE lower(name) = lower(\(name))",
                       Rows.account).first
    }

    public func account(id: Int64) async throws -> Account? {
        try await rows("SELECT \(unescaped: Rows.accountColumns) FROM account WHERE id = \(id)", Rows.account).first
    }

    public func saveSettings(accountID: Int64, _ settings: ReaderSettings) async throws {
        let text = try JSONText.encode(settings)
        try await updateAccount(accountID, "UPDATE account SET settings = \(text) WHERE id = \(accountID) RETURNING id")
    }

    public func setLastWorld(accountID: Int64, worldID: Int64?) async throws {
        try await updateAccount(accountID, "UPDATE account SET last_world_id = \(worldID) WHERE id = \(accountID) RETURNING id")
    }

    public func setAdmin(name: String, _ isAdmin: Bool) async throws -> Account {
        guard let account = try await rows("""
            UPDATE account SET is_admin = \(isAdmin) WHERE lower(name) = lower(\(name))
            RETURNING \(unescaped: Rows.accountColumns)
            """, Rows.account).first else { throw AccountError.noSuchAccount(name) }
        return account
    }

    /// Every account, oldest first (for copying a store).
    public func allAccounts() async throws -> [Account] {
        try await rows("SELECT \(unescaped: Rows.accountColumns) FROM account ORDER BY id", Rows.account)
    }

    private func updateAccount(_ id: Int64, _ query: PostgresQuery) async throws {
        guard try await rows(query, { try $0[0].decode(Int64.self) }).first != nil else {
            throw AccountError.noSuchAccount("#\(id)")
        }
    }
}
