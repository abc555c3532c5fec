import FableCore
@testable import FableStore
import GRDB
import FableStorePostgres
import Foundation
import Testing

/// What the conformance tests ask of a store: the ports, and the checks both stores offer.
protocol TestedStore: StoryStore, AccountStore, VectorStore, WorldTransferStore {
    func stepCount(worldID: Int64) async throws -> Int
    func pieces(stepID: Int64) async throws -> [StoredPiece]
    func pieceCount(worldID: Int64) async throws -> Int
    func vector(pieceID: Int64) async throws -> (model: String, vector: [Float])?
    func vectorCount(worldID: Int64, model: String) async throws -> Int
    /// A piece's hubness as dense search counts it now.
    func hubness(pieceID: Int64, worldID: Int64, model: String, dimensions: Int) async throws -> Float?
    /// How many stored vectors have their nearest cosines kept beside them.
    func keptNeighbourLists() async throws -> Int
}

extension SQLiteStore: TestedStore {
    func keptNeighbourLists() async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM piece_vector WHERE neighbours IS NOT NULL") ?? 0
        }
    }
}
extension PostgresStore: TestedStore {}

/// The stores every port behaviour is checked on. PostgreSQL needs a server:
/// `FABLE_TEST_POSTGRES_URL` (scripts/test starts one); without it only SQLite is tested.
enum StoreKind: String, Sendable, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres

    static let postgresURL = ProcessInfo.processInfo.environment["FABLE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static var available: [StoreKind] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }
}

/// A new, empty store of one kind, and a way to open it again as a restarted server would.
struct StoreUnderTest {
    let store: any TestedStore
    let reopen: @Sendable () async throws -> any TestedStore

    static func make(_ kind: StoreKind) async throws -> StoreUnderTest {
        switch kind {
        case .sqlite:
            let path = temporaryDatabase()
            return StoreUnderTest(store: try SQLiteStore(path: path), reopen: { try SQLiteStore(path: path) })
        case .postgres:
            let location = try await freshPostgresDatabase()
            return StoreUnderTest(store: try await PostgresStore.open(location, maxConnections: 4),
                                  reopen: { try await PostgresStore.open(location, maxConnections: 4) })
        }
    }

    /// A database of the test's own on the tests' server, so tests run in parallel.
    static func freshPostgresDatabase() async throws -> PostgresLocation {
        let url = try #require(StoreKind.postgresURL, "FABLE_TEST_POSTGRES_URL is not set")
        let server = try #require(try PostgresLocation.parse(url))
        let name = "fable_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await PostgresStore.createDatabase(name, at: server)
        return server.with(database: name)
    }
}

/// A store of `kind` (its reopening left out, for tests that need none).
func makeStore(_ kind: StoreKind) async throws -> any TestedStore {
    try await StoreUnderTest.make(kind).store
}

extension TestedStore {
    /// The steps of a world whose pieces have no vectors from `model`, newest first.
    func stepsMissingVectors(worldID: Int64, model: String, limit: Int) async throws -> [Step] {
        var steps: [Step] = []
        for piece in try await piecesMissingVectors(worldID: worldID, model: model, limit: limit)
        where steps.last?.id != piece.stepID {
            if let step = try await step(id: piece.stepID) { steps.append(step) }
        }
        return steps
    }
}

@Suite struct PostgresDurabilityTests {
    @Test(.enabled(if: StoreKind.postgresURL != nil))
    func everySecondCommitsWithoutWaitingForTheLogFlush() async throws {
        let location = try await StoreUnderTest.freshPostgresDatabase()
        let relaxed = try await PostgresStore.open(location, maxConnections: 2, waitForFlush: false)
        let strict = try await PostgresStore.open(location, maxConnections: 2)
        #expect(try await relaxed.setting("synchronous_commit") == "off")
        #expect(try await strict.setting("synchronous_commit") == "on")
    }
}
