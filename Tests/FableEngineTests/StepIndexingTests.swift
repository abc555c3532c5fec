import FableCore
import FableEngine
import FableStore
import FableStub
import Foundation
import Synchronization
import Testing

/// An embedder whose answers wait until it is released (or the caller is cancelled), as a
/// slow or hung embeddings server's do.
private final class HeldEmbedder: Embedder {
    let modelName = "synonyms"
    private let held = Mutex(true)
    private let answered = Mutex(0)

    func release() { held.withLock { $0 = false } }
    /// Requests answered so far.
    var answers: Int { answered.withLock { $0 } }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        while held.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
        answered.withLock { $0 += 1 }
        return texts.map(SynonymEmbedder.vector)
    }
}

@Suite struct StepIndexingTests {
    @Test func aStepIsShownBeforeItsVectorsAreMadeAndTheNextStepSearchesWithThem() async throws {
        let store = try SQLiteStore(path: denseDatabase())
        let embedder = HeldEmbedder()
        let teller = Storyteller(store: store, model: ScriptedChatModel(), embedder: embedder)
        let world = try await store.createWorld(label: "held", premise: densePremise)
        // Released a while after the step began: a step that waited for its vectors would
        // return after this, with them.
        Task {
            try await Task.sleep(for: .seconds(2))
            embedder.release()
        }
        let opening = try await runStep(teller.begin(worldID: world.id))
        #expect(embedder.answers == 0, "the step was committed and shown while its embedding waited")
        #expect(try await store.vectorCount(worldID: world.id, model: "synonyms") == 0)

        // The next step waits for the opening's vectors and its options' query vectors.
        let next = try await runStep(teller.advance(worldID: world.id, instruction: .option(0)))
        #expect(!(try await store.stepsMissingVectors(worldID: world.id, model: "synonyms", limit: 10).map(\.id))
            .contains(opening.id))
        #expect(opening.depth == 1 && next.depth == 2)
        await teller.indexed(worldID: world.id)
        #expect(try await store.vectorCount(worldID: world.id, model: "synonyms")
                == (try await store.pieceCount(worldID: world.id)))
    }

    @Test func aHungEmbeddingIsGivenUpAtTheStopAndBackfilledByALaterStep() async throws {
        let store = try SQLiteStore(path: denseDatabase())
        let embedder = HeldEmbedder()
        let teller = Storyteller(store: store, model: ScriptedChatModel(), embedder: embedder)
        let world = try await store.createWorld(label: "hung", premise: densePremise)
        _ = try await runStep(teller.begin(worldID: world.id))
        let started = ContinuousClock.now
        await teller.finishIndexing(within: .milliseconds(200))
        #expect(ContinuousClock.now - started < .seconds(10), "the stop did not wait for the hung embedding")
        #expect(try await store.vectorCount(worldID: world.id, model: "synonyms") == 0)

        // The endpoint answers again: the next step's backfill embeds the opening.
        embedder.release()
        _ = try await runStep(teller.advance(worldID: world.id, instruction: .auto))
        await teller.indexed(worldID: world.id)
        #expect(try await store.vectorCount(worldID: world.id, model: "synonyms")
                == (try await store.pieceCount(worldID: world.id)))
    }
}
