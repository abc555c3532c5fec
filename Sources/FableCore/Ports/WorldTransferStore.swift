/// Whole worlds and accounts in and out of a store: `fable export`/`import`, and copying one
/// store into another (`fable migrate-store`). Both stores offer it.
public protocol WorldTransferStore: Sendable {
    /// The world and every step of its tree, read in one transaction.
    func exportWorld(id: Int64) async throws -> WorldArchive
    /// A new world from an archive, in one transaction (checked first: a bad one writes nothing).
    /// Steps are written parents first, in the archive's order, so their new ids keep it.
    func importWorld(_ archive: WorldArchive, ownerID: Int64?, label: String) async throws -> World
    /// Every world, oldest first.
    func allWorlds() async throws -> [World]
    /// Every account, oldest first.
    func allAccounts() async throws -> [Account]
    /// A new account holding another store's account as it is (name, password hash, admin,
    /// settings, date); its last world is left for the copy to set. Fails with
    /// `AccountError.nameTaken` when the name is taken.
    func copyAccount(_ account: Account) async throws -> Account
    /// The ids of a world's steps, ascending (parents before children).
    func stepIDs(worldID: Int64) async throws -> [Int64]
    /// The stored piece vectors of a world, by piece id, of every model.
    func storedVectors(worldID: Int64) async throws -> [(pieceID: Int64, model: String, vector: [Float])]
}

/// A piece's vector apart from any store's ids: its step's place among the world's steps (1: the
/// oldest, as `WorldArchive` numbers them) and the piece's number.
public struct ArchivedVector: Sendable, Equatable {
    public var step: Int
    public var piece: Int
    public var model: String
    public var vector: [Float]

    public init(step: Int, piece: Int, model: String, vector: [Float]) {
        self.step = step
        self.piece = piece
        self.model = model
        self.vector = vector
    }
}

extension WorldTransferStore where Self: VectorStore {
    /// The world's vectors, named as `ArchivedVector` names them.
    public func exportVectors(worldID: Int64) async throws -> [ArchivedVector] {
        let ids = try await stepIDs(worldID: worldID)
        let place = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0 + 1) })
        return try await storedVectors(worldID: worldID).compactMap { stored in
            let number = Int(stored.pieceID & (StepPieces.perStep - 1))
            return place[StepPieces.stepID(ofPiece: stored.pieceID)].map {
                ArchivedVector(step: $0, piece: number, model: stored.model, vector: stored.vector)
            }
        }
    }

    /// Stores exported vectors on the steps of a world imported from the same archive.
    public func importVectors(_ vectors: [ArchivedVector], worldID: Int64) async throws {
        let ids = try await stepIDs(worldID: worldID)
        var byModel: [String: [(pieceID: Int64, vector: [Float])]] = [:]
        for vector in vectors {
            guard vector.step >= 1, vector.step <= ids.count else { throw StoreError.noSuchStep(Int64(vector.step)) }
            byModel[vector.model, default: []].append((StepPieces.pieceID(step: ids[vector.step - 1], number: vector.piece),
                                                       vector.vector))
        }
        for (model, pieces) in byModel.sorted(by: { $0.key < $1.key }) {
            try await storeVectors(pieces, model: model)
        }
    }
}
