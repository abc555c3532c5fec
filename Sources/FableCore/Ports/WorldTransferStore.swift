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
    /// The stored piece vectors of a world, by piece id, of every model, with each piece's kept
    /// nearest cosines.
    func storedVectors(worldID: Int64) async throws -> [StoredVector]
    /// Writes vectors as another store kept them, nearest cosines included (nothing is compared
    /// again: a copy costs a write a piece). The pieces must be the world's.
    func restoreVectors(_ vectors: [StoredVector], worldID: Int64) async throws
}

/// A piece's vector as a store keeps it.
public struct StoredVector: Sendable, Equatable {
    public var pieceID: Int64
    public var model: String
    public var vector: [Float]
    /// Its nearest cosines in its world, best first (nil: not worked out yet).
    public var neighbours: [Float]?

    public init(pieceID: Int64, model: String, vector: [Float], neighbours: [Float]?) {
        self.pieceID = pieceID
        self.model = model
        self.vector = vector
        self.neighbours = neighbours
    }
}

/// A piece's vector apart from any store's ids: its step's place among the world's steps (1: the
/// oldest, as `WorldArchive` numbers them) and the piece's number.
public struct ArchivedVector: Sendable, Equatable {
    public var step: Int
    public var piece: Int
    public var model: String
    public var vector: [Float]
    public var neighbours: [Float]?

    public init(step: Int, piece: Int, model: String, vector: [Float], neighbours: [Float]?) {
        self.step = step
        self.piece = piece
        self.model = model
        self.vector = vector
        self.neighbours = neighbours
    }
}

extension WorldTransferStore {
    /// The world's vectors, named as `ArchivedVector` names them.
    public func exportVectors(worldID: Int64) async throws -> [ArchivedVector] {
        let ids = try await stepIDs(worldID: worldID)
        let place = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0 + 1) })
        return try await storedVectors(worldID: worldID).compactMap { stored in
            let number = Int(stored.pieceID & (StepPieces.perStep - 1))
            return place[StepPieces.stepID(ofPiece: stored.pieceID)].map {
                ArchivedVector(step: $0, piece: number, model: stored.model, vector: stored.vector,
                               neighbours: stored.neighbours)
            }
        }
    }

    /// Stores exported vectors on the steps of a world imported from the same archive.
    public func importVectors(_ vectors: [ArchivedVector], worldID: Int64) async throws {
        let ids = try await stepIDs(worldID: worldID)
        let stored = try vectors.map { vector in
            guard vector.step >= 1, vector.step <= ids.count else { throw StoreError.noSuchStep(Int64(vector.step)) }
            return StoredVector(pieceID: StepPieces.pieceID(step: ids[vector.step - 1], number: vector.piece),
                                model: vector.model, vector: vector.vector, neighbours: vector.neighbours)
        }
        try await restoreVectors(stored, worldID: worldID)
    }
}
