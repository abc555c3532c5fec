import FableCore
import FableEngine
import Synchronization
import Testing

@Suite struct QueryEmbeddingTests {
    /// Embeds every text as one axis when told it is a query and as another as a passage, and
    /// counts each kind of call.
    final class TwoViews: Embedder {
        let apart: Bool
        let calls = Mutex((queries: 0, passages: 0))
        init(apart: Bool) { self.apart = apart }
        var modelName: String { "two-views" }
        var embedsQueriesApart: Bool { apart }
        func embed(_ texts: [String]) async throws -> [[Float]] {
            calls.withLock { $0.passages += 1 }
            return texts.map { _ in [0, 1, 0] }
        }
        func embedQueries(_ texts: [String]) async throws -> [[Float]] {
            calls.withLock { $0.queries += 1 }
            return texts.map { _ in [1, 0, 0] }
        }
    }

    @Test func aModelThatEmbedsQueriesApartSearchesWithTheMeanOfBothViews() async throws {
        let embedder = TwoViews(apart: true)
        let vectors = try await QueryEmbedding.vectors(["Who forged the seal?", "Where is the bell?"], embedder: embedder)
        let half = Float(0.5).squareRoot()
        #expect(vectors.count == 2)
        for vector in vectors {
            #expect(vector.count == 3 && abs(vector[0] - half) < 1e-6 && abs(vector[1] - half) < 1e-6 && vector[2] == 0)
        }
        let calls = embedder.calls.withLock { $0 }
        #expect(calls.queries == 1 && calls.passages == 1, "one request a view, for every text at once")
    }

    @Test func aSymmetricModelIsAskedOnce() async throws {
        let embedder = TwoViews(apart: false)
        let vectors = try await QueryEmbedding.vectors(["Who forged the seal?"], embedder: embedder)
        #expect(vectors == [[1, 0, 0]])
        let calls = embedder.calls.withLock { $0 }
        #expect(calls.queries == 1 && calls.passages == 0)
        #expect(try await QueryEmbedding.vectors([], embedder: embedder).isEmpty)
    }

    @Test func viewsThatDisagreeInSizeAreAnError() async throws {
        final class Mismatched: Embedder {
            var modelName: String { "mismatched" }
            var embedsQueriesApart: Bool { true }
            func embed(_ texts: [String]) async throws -> [[Float]] { texts.map { _ in [0, 1] } }
            func embedQueries(_ texts: [String]) async throws -> [[Float]] { texts.map { _ in [1, 0, 0] } }
        }
        await #expect(throws: ModelError.self) { _ = try await QueryEmbedding.vectors(["a"], embedder: Mismatched()) }
    }
}
