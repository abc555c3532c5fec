import FableCore
import Foundation
import Testing

/// The `AccountStore` port's behaviour, checked on every store.
@Suite struct AccountStoreConformanceTests {
    @Test(arguments: StoreKind.available)
    func namesAreUniqueInAnyCaseAndAccountsKeepTheirSettings(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let ann = try await store.createAccount(name: "Ann", passwordHash: "scrypt$1")
        #expect(ann.name == "Ann")
        #expect(!ann.isAdmin)
        await #expect(throws: AccountError.nameTaken("ANN")) { try await store.createAccount(name: "ANN", passwordHash: "x") }
        #expect(try await store.account(name: "aNN")?.id == ann.id)
        #expect(try await store.account(id: ann.id)?.passwordHash == "scrypt$1")
        #expect(try await store.account(name: "Bob") == nil)

        let settings = ReaderSettings(width: 100, pageLines: 0, screenReader: true)
        try await store.saveSettings(accountID: ann.id, settings)
        let world = try await store.createWorld(label: "w", premise: testPremise, ownerID: ann.id)
        try await store.setLastWorld(accountID: ann.id, worldID: world.id)
        #expect(try await store.setAdmin(name: "ann", true).isAdmin)
        let read = try #require(try await store.account(id: ann.id))
        #expect(read.settings == settings)
        #expect(read.lastWorldID == world.id)
        #expect(read.isAdmin)
        try await store.setLastWorld(accountID: ann.id, worldID: nil)
        #expect(try await store.account(id: ann.id)?.lastWorldID == nil)
        await #expect(throws: AccountError.noSuchAccount("Bob")) { try await store.setAdmin(name: "Bob", true) }
        await #expect(throws: AccountError.noSuchAccount("#999999")) {
            try await store.saveSettings(accountID: 999_999, settings)
        }
    }
}
