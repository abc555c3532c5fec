import FableCore

/// Copies everything one store holds into another (`fable migrate-store`): every account (name,
/// password hash, admin, settings, last world), every world with its whole step tree, traces,
/// head and redo stack (through `WorldArchive`, as export and import do), and every piece vector.
/// Ids are the target's own; labels and owners are kept. The target must hold no account of
/// the same name (the copy stops at the first, having written what came before).
public enum StoreCopy {
    public typealias Store = StoryStore & AccountStore & VectorStore & WorldTransferStore

    public struct Report: Sendable, Equatable {
        public var accounts = 0
        public var worlds = 0
        public var steps = 0
        public var vectors = 0

        public init(accounts: Int = 0, worlds: Int = 0, steps: Int = 0, vectors: Int = 0) {
            self.accounts = accounts
            self.worlds = worlds
            self.steps = steps
            self.vectors = vectors
        }
    }

    public static func copy(from source: any Store, to target: any Store,
                            progress: @Sendable (String) -> Void = { _ in }) async throws -> Report {
        var report = Report()
        var accountID: [Int64: Int64] = [:]
        let accounts = try await source.allAccounts()
        for account in accounts {
            accountID[account.id] = try await target.copyAccount(account).id
            report.accounts += 1
        }
        var worldID: [Int64: Int64] = [:]
        for world in try await source.allWorlds() {
            let archive = try await source.exportWorld(id: world.id)
            let copied = try await target.importWorld(archive, ownerID: world.ownerID.flatMap { accountID[$0] },
                                                      label: world.label)
            worldID[world.id] = copied.id
            let vectors = try await source.exportVectors(worldID: world.id)
            try await target.importVectors(vectors, worldID: copied.id)
            report.worlds += 1
            report.steps += archive.steps.count
            report.vectors += vectors.count
            progress("world \(world.id) \"\(world.label)\": \(archive.steps.count) steps, \(vectors.count) vectors")
        }
        for account in accounts {
            guard let last = account.lastWorldID, let copied = accountID[account.id] else { continue }
            try await target.setLastWorld(accountID: copied, worldID: worldID[last])
        }
        return report
    }
}
