import FableCore
import FableStoreKit
@testable import FableStore
import FableTestSupport
import Foundation
import Testing

/// A fresh database file of its own.
private func vectorDatabase() -> String {
    ScratchFolder.file("fable.sqlite", prefix: "fable-vectors")
}

private let vectorPremise = Premise(storyID: "vectors", title: "Vectors", body: "A premise.")

private func commit(_ store: any StoryStore, world: Int64, after parent: Step?, _ passage: String) async throws -> Step {
    let draft = StepDraft(worldID: world, parentID: parent?.id, depth: (parent?.depth ?? 0) + 1, instruction: "go",
                          content: StepContent(outline: parent == nil ? "Outline." : nil, passage: passage,
                                               memoryChange: "c", memory: "m", indexLine: "i", options: ["a", "b", "c"]),
                          telemetry: StepTelemetry(model: "test"))
    return try await store.commit(draft, expectedHead: parent?.id)
}

/// A unit vector along axis `axis` of `dimensions`, with a little of axis 0 mixed in.
private func axis(_ axis: Int, _ dimensions: Int = 8, lean: Float = 0) -> [Float] {
    var vector = [Float](repeating: 0, count: dimensions)
    vector[axis] = 1
    vector[0] += lean
    return vector
}

/// A step's vector, as these tests think of it: the same vector for each of its pieces, so
/// the step's best piece has it.
extension TestedStore {
    fileprivate func storeVector(stepID: Int64, model: String, vector: [Float]) async throws {
        let pieces = try await pieces(stepID: stepID)
        guard !pieces.isEmpty else { throw StoreError.noSuchStep(stepID) }
        try await storeVectors(pieces.map { ($0.id, vector) }, model: model)
    }

    fileprivate func vector(stepID: Int64) async throws -> (model: String, vector: [Float])? {
        try await vector(pieceID: StepPieces.firstPieceID(ofStep: stepID))
    }

}

@Suite struct VectorSearchTests {
    @Test func aVectorRoundTripsNormalisedAndSurvivesReopening() async throws {
        let path = vectorDatabase()
        var stepID: Int64 = 0
        var worldID: Int64 = 0
        do {
            let store = try SQLiteStore(path: path)
            let world = try await store.createWorld(label: "w", premise: vectorPremise)
            worldID = world.id
            stepID = try await commit(store, world: world.id, after: nil, "One").id
            #expect(try await store.vector(stepID: stepID) == nil)
            try await store.storeVector(stepID: stepID, model: "m1", vector: [3, 4, 0, -0.0, 1e-30])
        }
        let store = try SQLiteStore(path: path)
        #expect(try await store.integrityCheck() == "ok")
        let stored = try #require(try await store.vector(stepID: stepID))
        #expect(stored.model == "m1")
        #expect(stored.vector.count == 5)
        // Kept as a byte a dimension and a scale: within half a step (0.8 / 127 / 2) of the floats.
        #expect(abs(stored.vector[0] - 0.6) < 0.004 && abs(stored.vector[1] - 0.8) < 0.004)
        #expect(abs(VectorMath.dot(stored.vector, stored.vector) - 1) < 0.01)
        let piece = StepPieces.firstPieceID(ofStep: stepID)
        let bytes = try await store.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT length(vector) FROM piece_vector WHERE piece_id = ?", arguments: [piece])
        }
        #expect(bytes == 4 + 5)
        // One vector per piece: the index line and the one sentence.
        #expect(try await store.pieces(stepID: stepID).map(\.text) == ["i", "One"])
        #expect(try await store.vectorCount(worldID: worldID, model: "m1") == 2)

        // Storing again replaces: another model, another size.
        try await store.storeVector(stepID: stepID, model: "m2", vector: axis(2, 16))
        let replaced = try #require(try await store.vector(stepID: stepID))
        #expect(replaced.model == "m2" && zip(replaced.vector, axis(2, 16)).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(replaced.vector.count == 16)
        #expect(try await store.vectorCount(worldID: worldID, model: "m1") == 0)
    }

    @Test(arguments: StoreKind.available) func refusesUnusableVectorsAndUnknownSteps(_ kind: StoreKind) async throws {
        let tested = try await StoreUnderTest.make(kind)
        let store = tested.store
        let world = try await store.createWorld(label: "w", premise: vectorPremise)
        let step = try await commit(store, world: world.id, after: nil, "One")
        await #expect(throws: StoreError.noSuchStep(999)) {
            try await store.storeVector(stepID: 999, model: "m", vector: axis(1))
        }
        await #expect(throws: VectorError.self) {
            try await store.storeVector(stepID: step.id, model: "m", vector: [0, 0, 0])
        }
        await #expect(throws: VectorError.self) {
            try await store.storeVector(stepID: step.id, model: "m", vector: [])
        }
        #expect(try await store.vector(stepID: step.id) == nil)
    }

    @Test(arguments: StoreKind.available) func ranksByCosineWithinTheBranchOnly(_ kind: StoreKind) async throws {
        let tested = try await StoreUnderTest.make(kind)
        let store = tested.store
        let world = try await store.createWorld(label: "w", premise: vectorPremise)
        let root = try await commit(store, world: world.id, after: nil, "The harbour at dawn.")
        let a1 = try await commit(store, world: world.id, after: root, "A dragon sleeps in the cellar.")
        let a2 = try await commit(store, world: world.id, after: a1, "You climb the stairs.")
        let a3 = try await commit(store, world: world.id, after: a2, "The bell tolls.")
        _ = try await store.undo(worldID: world.id)
        _ = try await store.undo(worldID: world.id)
        _ = try await store.undo(worldID: world.id)
        let b1 = try await commit(store, world: world.id, after: root, "A quiet market day.")
        let b2 = try await commit(store, world: world.id, after: b1, "Bread and fish.")
        try await store.storeVector(stepID: root.id, model: "m", vector: axis(1))
        try await store.storeVector(stepID: a1.id, model: "m", vector: axis(3))         // the best match, branch a
        try await store.storeVector(stepID: a2.id, model: "m", vector: axis(3, lean: 1)) // cos 0.71
        try await store.storeVector(stepID: a3.id, model: "m", vector: axis(4))
        try await store.storeVector(stepID: b1.id, model: "m", vector: axis(3, lean: 3)) // cos 0.32, branch b
        try await store.storeVector(stepID: b2.id, model: "m", vector: axis(5))

        let query = axis(3)
        let fromA3 = try await store.denseSearchBranch(endingAt: a3.id, vector: query, model: "m", limit: 10)
        // a3 and root tie at cosine 0: the deeper step first.
        #expect(fromA3.map(\.stepID) == [a1.id, a2.id, a3.id, root.id])
        #expect(fromA3.first?.passage == "A dragon sleeps in the cellar.")
        #expect(fromA3.first?.depth == 2)
        #expect(abs((fromA3.first?.pieces.first?.score ?? 0) - 1) < 1e-2, "the best piece's cosine, kept in bytes")
        #expect(zip(fromA3, fromA3.dropFirst()).allSatisfy { $0.score <= $1.score }, "best first, as BM25's scores")
        // Searching from a2 leaves out a3 (below it); limit cuts the list.
        #expect(try await store.denseSearchBranch(endingAt: a2.id, vector: query, model: "m", limit: 2).map(\.stepID)
                == [a1.id, a2.id])
        // Branch b never sees a1 or a2, however close they are.
        let fromB2 = try await store.denseSearchBranch(endingAt: b2.id, vector: query, model: "m", limit: 10)
        #expect(Set(fromB2.map(\.stepID)) == [root.id, b1.id, b2.id])
        #expect(fromB2.first?.stepID == b1.id)
        // Another model's vectors, or another size, are never compared.
        #expect(try await store.denseSearchBranch(endingAt: a3.id, vector: query, model: "other", limit: 10).isEmpty)
        #expect(try await store.denseSearchBranch(endingAt: a3.id, vector: axis(3, 9), model: "m", limit: 10).isEmpty)
        #expect(try await store.denseSearchBranch(endingAt: a3.id, vector: query, model: "m", limit: 0).isEmpty)
        #expect(try await store.denseSearchBranch(endingAt: a3.id, vector: [0, 0], model: "m", limit: 3).isEmpty)
        // Another world's steps are not ancestors either.
        let other = try await store.createWorld(label: "o", premise: vectorPremise)
        let otherRoot = try await commit(store, world: other.id, after: nil, "Another dragon.")
        try await store.storeVector(stepID: otherRoot.id, model: "m", vector: axis(3))
        #expect(try await store.denseSearchBranch(endingAt: b2.id, vector: query, model: "m", limit: 10).count == 3)
    }

    @Test(arguments: StoreKind.available) func findsStepsMissingAVectorNewestFirst(_ kind: StoreKind) async throws {
        let tested = try await StoreUnderTest.make(kind)
        let store = tested.store
        let world = try await store.createWorld(label: "w", premise: vectorPremise)
        var steps: [Step] = []
        for n in 1...5 {
            steps.append(try await commit(store, world: world.id, after: steps.last, "Passage \(n)."))
        }
        let other = try await store.createWorld(label: "o", premise: vectorPremise)
        _ = try await commit(store, world: other.id, after: nil, "Elsewhere.")
        try await store.storeVector(stepID: steps[1].id, model: "m", vector: axis(1))
        try await store.storeVector(stepID: steps[3].id, model: "old", vector: axis(1))

        let missing = try await store.stepsMissingVectors(worldID: world.id, model: "m", limit: 10)
        #expect(missing.map(\.id) == [steps[4].id, steps[3].id, steps[2].id, steps[0].id])
        #expect(missing.first?.content.passage == "Passage 5.")
        #expect(try await store.stepsMissingVectors(worldID: world.id, model: "m", limit: 2).map(\.id)
                == [steps[4].id, steps[3].id])
        #expect(try await store.stepsMissingVectors(worldID: world.id, model: "old", limit: 10).count == 4)
        #expect(try await store.stepsMissingVectors(worldID: world.id, model: "m", limit: 0).isEmpty)
    }

    @Test(arguments: StoreKind.available) func theDenseSearchSeesVectorsWrittenAfterItsFirstSearch(_ kind: StoreKind) async throws {
        let tested = try await StoreUnderTest.make(kind)
        let store = tested.store
        let world = try await store.createWorld(label: "w", premise: vectorPremise)
        var steps: [Step] = []
        for n in 1...4 {
            steps.append(try await commit(store, world: world.id, after: steps.last, "Passage \(n)."))
        }
        try await store.storeVector(stepID: steps[2].id, model: "m", vector: axis(2))
        let query = axis(1)
        #expect(try await store.denseSearchBranch(endingAt: steps[3].id, vector: query, model: "m", limit: 1).map(\.stepID)
                == [steps[2].id])
        // A backfilled older step, and a newer one.
        try await store.storeVector(stepID: steps[0].id, model: "m", vector: axis(1))
        try await store.storeVector(stepID: steps[3].id, model: "m", vector: axis(1, lean: 1))
        #expect(try await store.denseSearchBranch(endingAt: steps[3].id, vector: query, model: "m", limit: 3).map(\.stepID)
                == [steps[0].id, steps[3].id, steps[2].id])
        // Replaced by another model's vector: gone from this model's ranking.
        try await store.storeVector(stepID: steps[0].id, model: "other", vector: axis(1))
        #expect(try await store.denseSearchBranch(endingAt: steps[3].id, vector: query, model: "m", limit: 3).map(\.stepID)
                == [steps[3].id, steps[2].id])
        // Replaced by the same model: the new vector counts.
        try await store.storeVector(stepID: steps[2].id, model: "m", vector: axis(1))
        #expect(try await store.denseSearchBranch(endingAt: steps[3].id, vector: query, model: "m", limit: 1).map(\.stepID)
                == [steps[2].id])
        // Another store on the same file reads them all from the file.
        let reopened = try await tested.reopen()
        #expect(try await reopened.denseSearchBranch(endingAt: steps[3].id, vector: query, model: "m", limit: 3).map(\.stepID)
                == [steps[2].id, steps[3].id])
    }

    @Test(arguments: StoreKind.available) func theBackfillQueryStillFindsAStepWhoseVectorAnotherModelReplaced(_ kind: StoreKind) async throws {
        let tested = try await StoreUnderTest.make(kind)
        let store = tested.store
        let world = try await store.createWorld(label: "w", premise: vectorPremise)
        var steps: [Step] = []
        for n in 1...4 {
            steps.append(try await commit(store, world: world.id, after: steps.last, "Passage \(n)."))
            try await store.storeVector(stepID: steps[n - 1].id, model: "m", vector: axis(1))
        }
        #expect(try await store.stepsMissingVectors(worldID: world.id, model: "m", limit: 8).isEmpty)
        let fifth = try await commit(store, world: world.id, after: steps.last, "Passage 5.")
        #expect(try await store.stepsMissingVectors(worldID: world.id, model: "m", limit: 8).map(\.id) == [fifth.id])
        try await store.storeVector(stepID: fifth.id, model: "m", vector: axis(1))
        #expect(try await store.stepsMissingVectors(worldID: world.id, model: "m", limit: 8).isEmpty)
        try await store.storeVector(stepID: steps[1].id, model: "other", vector: axis(1))
        #expect(try await store.stepsMissingVectors(worldID: world.id, model: "m", limit: 8).map(\.id) == [steps[1].id])
    }
}
