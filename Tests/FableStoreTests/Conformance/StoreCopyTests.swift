import FableCore
import FableEngine
import FableStore
import Foundation
import Testing

/// `fable migrate-store`: a SQLite database copied into another store (PostgreSQL when the
/// tests have a server) and back into a new SQLite file holds what it held.
@Suite struct StoreCopyTests {
    /// Accounts, an owned world with two branches, a revision, a trace, an undone step (the redo
    /// stack), vectors of two models, and a world of the command-line tools (no owner).
    func fill(_ store: SQLiteStore) async throws {
        let ann = try await store.createAccount(name: "Ann", passwordHash: "scrypt$ann")
        _ = try await store.createAccount(name: "bob", passwordHash: "scrypt$bob")
        _ = try await store.setAdmin(name: "bob", true)
        try await store.saveSettings(accountID: ann.id, ReaderSettings(width: 90, pageLines: 0, screenReader: true))
        let world = try await store.createWorld(label: "harbour", premise: testPremise, ownerID: ann.id)
        let root = try await store.commit(draft(world: world.id, parent: nil, passage: "The harbour at dawn. Gulls cry."),
                                          expectedHead: nil)
        var traced = draft(world: world.id, parent: root, passage: "Mara hid the silver key beneath the stairs.")
        traced.trace = StepTrace(messages: [ChatMessage(.system, "sys"), ChatMessage(.user, "go")], reply: "{}",
                                 temperature: 0.8, maxTokens: 400)
        let a = try await store.commit(traced, expectedHead: root.id)
        var revision = draft(world: world.id, parent: a, passage: a.content.passage)
        revision.kind = .revision
        revision.depth = a.depth
        let revised = try await store.commit(revision, expectedHead: a.id)
        let b = try await store.commit(draft(world: world.id, parent: revised, passage: "Rain on the quay."),
                                       expectedHead: revised.id)
        _ = try await store.undo(worldID: world.id)
        _ = try await store.moveHead(worldID: world.id, to: root.id)
        let c = try await store.commit(draft(world: world.id, parent: root, passage: "A market day."), expectedHead: root.id)
        _ = try await store.undo(worldID: world.id)
        for (index, step) in [root, a, b, c].enumerated() {
            let pieces = try await store.pieces(stepID: step.id)
            try await store.storeVectors(pieces.map { piece in
                (piece.id, (0..<8).map { Float(($0 * 7 + index * 3 + Int(piece.id & 63)) % 11) - 5 })
            }, model: "m1")
        }
        try await store.storeVectors([(StepPieces.firstPieceID(ofStep: a.id), [1, 2, 3, 4])], model: "m2")
        try await store.setLastWorld(accountID: ann.id, worldID: world.id)
        let tools = try await store.createWorld(label: "written", premise: testPremise)
        _ = try await store.commit(draft(world: tools.id, parent: nil, passage: "A lone step."), expectedHead: nil)
    }

    /// What a store holds, apart from its ids.
    struct Contents: Equatable {
        var accounts: [String]
        var worlds: [WorldArchive]
        var vectors: [[ArchivedVector]]
    }

    func contents(_ store: some StoreCopy.Store) async throws -> Contents {
        var accounts: [String] = []
        let worlds = try await store.allWorlds()
        for account in try await store.allAccounts() {
            let last = try await account.lastWorldID.asyncLabel(in: store)
            accounts.append("\(account.name) \(account.passwordHash) admin:\(account.isAdmin) \(account.settings) "
                            + "last:\(last ?? "-") \(Int((account.createdAt.timeIntervalSince1970 * 1000).rounded()))")
        }
        var archives: [WorldArchive] = []
        var vectors: [[ArchivedVector]] = []
        for world in worlds {
            archives.append(try await store.exportWorld(id: world.id))
            vectors.append(try await store.exportVectors(worldID: world.id).map { vector in
                // Stored as bytes and a scale: a copy keeps the bytes, and the scale to 1 %.
                var rounded = vector
                rounded.vector = vector.vector.map { ($0 * 20).rounded() / 20 }
                return rounded
            })
        }
        return Contents(accounts: accounts, worlds: archives, vectors: vectors)
    }

    @Test(arguments: StoreKind.available)
    func aCopyIntoAnotherStoreAndBackHoldsEverything(_ middle: StoreKind) async throws {
        let original = try SQLiteStore(path: temporaryDatabase())
        try await fill(original)
        let between = try await StoreUnderTest.make(middle).store
        let there = try await StoreCopy.copy(from: original, to: between)
        let exported = try await original.exportVectors(worldID: 1)
        let vectors = exported.count
        #expect(exported.allSatisfy { $0.neighbours?.count == 10 }, "each piece's nearest cosines go with it")
        #expect(vectors >= 8, "every piece of four steps, one of them replaced by a second model's")
        #expect(there == StoreCopy.Report(accounts: 2, worlds: 2, steps: 6, vectors: vectors))
        let back = try SQLiteStore(path: temporaryDatabase())
        #expect(try await StoreCopy.copy(from: between, to: back) == there)
        let expected = try await contents(original)
        #expect(try await contents(back) == expected)
        #expect(try await contents(between) == expected)
        // The copy is a store like any other: it searches and goes on.
        let world = try #require(try await back.world(label: "harbour"))
        let head = try #require(world.headStepID)
        #expect(try await back.searchBranch(endingAt: head, terms: ["gulls"], limit: 3).count == 1)
        #expect(try await back.redo(worldID: world.id).headStepID != head)
    }

    @Test func aNameTakenInTheTargetStopsTheCopy() async throws {
        let source = try SQLiteStore(path: temporaryDatabase())
        try await fill(source)
        let target = try SQLiteStore(path: temporaryDatabase())
        _ = try await target.createAccount(name: "ANN", passwordHash: "x")
        await #expect(throws: AccountError.nameTaken("Ann")) { try await StoreCopy.copy(from: source, to: target) }
    }
}

extension Optional where Wrapped == Int64 {
    func asyncLabel(in store: some StoryStore) async throws -> String? {
        guard let id = self else { return nil }
        return try await store.world(id: id)?.label
    }
}
