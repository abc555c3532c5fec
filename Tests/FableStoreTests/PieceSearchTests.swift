import FableCore
import FableStoreKit
@testable import FableStore
import Foundation
import GRDB
import Testing

/// Long-term search at the grain of a sentence: each piece of a passage is indexed and
/// ranked on its own, and a passage counts by its best piece.
@Suite struct PieceSearchTests {
    @Test(arguments: StoreKind.available) func aCommitIndexesTheIndexLineAndEachSentenceAndSearchNamesTheOneThatMatched(_ kind: StoreKind) async throws {
        let tested = try await StoreUnderTest.make(kind)
        let store = tested.store
        let world = try await store.createWorld(label: "pieces", premise: testPremise)
        let first = try await store.commit(draft(world: world.id, parent: nil, passage:
            "The ferryman mends his nets by the quay. Mara hid the silver key beneath the lighthouse stairs. "
            + "Gulls circle the boat sheds in the wind.", index: "A quiet morning at the harbour."), expectedHead: nil)
        let second = try await store.commit(draft(world: world.id, parent: first, passage: "Rain falls on the marsh all day long."),
                                            expectedHead: first.id)
        let pieces = try await store.pieces(stepID: first.id)
        #expect(pieces.map(\.text) == ["A quiet morning at the harbour.", "The ferryman mends his nets by the quay.",
                                       "Mara hid the silver key beneath the lighthouse stairs.",
                                       "Gulls circle the boat sheds in the wind."])
        #expect(pieces.map(\.id) == (0...3).map { StepPieces.pieceID(step: first.id, number: $0) })

        let found = try await store.searchBranch(endingAt: second.id, terms: ["silver", "key"], limit: 3)
        #expect(found.map(\.stepID) == [first.id])
        #expect(found.first?.pieces.map(\.text) == ["Mara hid the silver key beneath the lighthouse stairs."])
        #expect(found.first?.pieces.first?.ranking == .bm25)
        // Words of two sentences find the passage once, at its best piece.
        let both = try await store.searchBranch(endingAt: second.id, terms: ["gulls", "silver", "ferryman"], limit: 3)
        #expect(both.map(\.stepID) == [first.id])
    }

    /// (Finding Chinese words is checked on every store: `FullTextConformanceTests`.)
    @Test func theFullTextIndexHoldsChinesePairsAndTheTextAsWritten() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "jianghu", premise: testPremise)
        _ = try await store.commit(draft(world: world.id, parent: nil, passage: "山路很长。张三丰把倚天剑藏在古井里。风吹过竹林。",
                                         index: "张三丰上山。"), expectedHead: nil)
        #expect(SearchTerms.from(instruction: "古井", memory: "") == ["古井"])
        // FTS5 alone would hold the whole run as one token.
        let rows = try await store.pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT step_piece.text FROM piece_fts JOIN step_piece ON step_piece.id = piece_fts.rowid
                WHERE piece_fts MATCH '"古井"'
                """).map { $0[0] as String }
        }
        #expect(rows == ["张三丰把倚天剑藏在古井里。"])
    }

    @Test(arguments: StoreKind.available) func aRevisionHasNoPieces(_ kind: StoreKind) async throws {
        let tested = try await StoreUnderTest.make(kind)
        let store = tested.store
        let world = try await store.createWorld(label: "revised", premise: testPremise)
        let first = try await store.commit(draft(world: world.id, parent: nil, passage: "The lantern burns low tonight."),
                                           expectedHead: nil)
        var revision = draft(world: world.id, parent: first, passage: first.content.passage)
        revision.kind = .revision
        let revised = try await store.commit(revision, expectedHead: first.id)
        #expect(try await store.pieces(stepID: revised.id).isEmpty)
        #expect(try await store.pieceCount(worldID: world.id) == 2)
    }

    @Test(arguments: StoreKind.available) func aStepRanksByItsBestPieceVector(_ kind: StoreKind) async throws {
        let tested = try await StoreUnderTest.make(kind)
        let store = tested.store
        let world = try await store.createWorld(label: "dense", premise: testPremise)
        var steps: [Step] = []
        for n in 1...3 {
            steps.append(try await store.commit(draft(world: world.id, parent: steps.last,
                                                      passage: "First sentence of step \(n). Second sentence of step \(n)."),
                                                expectedHead: steps.last?.id))
        }
        func axis(_ index: Int, _ lean: Float = 0) -> [Float] {
            var vector = [Float](repeating: 0, count: 24)
            vector[index] = 1
            vector[0] += lean
            return vector
        }
        // Step 1's second sentence points at the query; one of step 3's leans towards it.
        for step in steps {
            let pieces = try await store.pieces(stepID: step.id)
            #expect(pieces.count == 3)
            try await store.storeVectors(pieces.enumerated().map { index, piece in
                if step.id == steps[0].id && index == 2 { return (piece.id, axis(0)) }
                if step.id == steps[2].id && index == 1 { return (piece.id, axis(2, 1)) }   // cosine 0.71
                return (piece.id, axis(5 + index + 3 * Int(step.depth)))
            }, model: "m")
        }
        let found = try await store.denseSearchBranch(endingAt: steps[2].id, vector: axis(0), model: "m", limit: 2)
        #expect(found.map(\.stepID) == [steps[0].id, steps[2].id])
        #expect(found.first?.pieces.first?.text == "Second sentence of step 1.")
        #expect(found.first?.pieces.first?.ranking == .dense)
        #expect(abs((found.first?.pieces.first?.score ?? 0) - 1) < 0.01, "the best piece's cosine, 1")
        // A piece's vector kept in bytes ranks as the floats do.
        let reopened = try await tested.reopen()
        #expect(try await reopened.denseSearchBranch(endingAt: steps[2].id, vector: axis(0), model: "m", limit: 2).map(\.stepID)
                == found.map(\.stepID))
    }

    @Test(arguments: StoreKind.available) func aSentenceLikeManyOthersLosesToTheOneThatAnswers(_ kind: StoreKind) async throws {
        // 300 pieces near one generic direction (axis 0), and one fact along axis 1. The
        // question leans to the generic side by raw cosine (0.75 against 0.66), but each
        // generic piece has ten near neighbours (hubness about 0.99) and the fact none near.
        let tested = try await StoreUnderTest.make(kind)
        let store = tested.store
        let world = try await store.createWorld(label: "hubs", premise: testPremise)
        var steps: [Step] = []
        for n in 1...31 {
            let passage = (1...10).map { "Sentence \($0) of step number \(n)." }.joined(separator: " ")
            steps.append(try await store.commit(draft(world: world.id, parent: steps.last, passage: passage),
                                                expectedHead: steps.last?.id))
        }
        var random = UInt64(42)
        func noise() -> Float {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(random >> 40) % 2001 - 1000) / 10_000
        }
        let factStep = steps[28]
        let factPiece = StepPieces.pieceID(step: factStep.id, number: 4)
        for step in steps {
            let pieces = try await store.pieces(stepID: step.id)
            try await store.storeVectors(pieces.map { piece in
                if piece.id == factPiece { return (piece.id, [0, 1] + [Float](repeating: 0, count: 14)) }
                return (piece.id, [1, 0] + (0..<14).map { _ in noise() })
            }, model: "m")
        }
        let question: [Float] = [0.75, 0.66] + [Float](repeating: 0, count: 14)
        let found = try await store.denseSearchBranch(endingAt: steps.last!.id, vector: question, model: "m", limit: 1)
        #expect(found.map(\.stepID) == [factStep.id])
        #expect(found.first?.pieces.first?.id == factPiece)
        // Each piece's nearest cosines are kept beside its vector: the fact's hubness is low, a
        // generic piece's high, the first piece's too (its neighbours came after it).
        let firstPiece = StepPieces.pieceID(step: steps[0].id, number: 1)
        #expect(try await store.keptNeighbourLists() == (try await store.pieceCount(worldID: world.id)))
        let factHub = try #require(try await store.hubness(pieceID: factPiece, worldID: world.id, model: "m", dimensions: 16))
        let firstHub = try #require(try await store.hubness(pieceID: firstPiece, worldID: world.id, model: "m", dimensions: 16))
        #expect(factHub < 0.3)
        #expect(firstHub > 0.9)
        // Another store reads the kept neighbours and ranks the same.
        let reopened = try await tested.reopen()
        #expect(try await reopened.hubness(pieceID: firstPiece, worldID: world.id, model: "m", dimensions: 16) == firstHub)
        #expect(try await reopened.denseSearchBranch(endingAt: steps.last!.id, vector: question, model: "m", limit: 1)
                .map(\.stepID) == [factStep.id])
    }
}
