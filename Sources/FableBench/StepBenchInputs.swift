import FableCore
import FableStub

/// What the step bench asks for, and the vectors it searches with.
enum StepBenchInputs {
    /// The recall bench's questions (both kinds) and plain moves.
    static let instructions: [String] = RecallCorpus.english.facts.flatMap { [$0.paraphrase, $0.lexical] }
        + ["Walk to the quay.", "Visit the market.", "Rest at the inn.", "Ask the ferryman about the fog bank."]

    /// The stub embedder's vector, stretched or cut to `dimensions` (same cost as a real one).
    static func vector(_ text: String, dimensions: Int) -> [Float] {
        let base = StubEmbeddings.vector(text)
        guard dimensions != base.count else { return base }
        let stretched = (0..<dimensions).map { index in
            base[index % base.count] * ((index / base.count) % 2 == 0 ? 1 : -1)
        }
        return VectorMath.normalized(stretched) ?? base
    }
}

/// Query vectors made before timing, so no embedding runs while retrieval is timed; any
/// other text (a new passage's pieces, an option) gets `fallback`.
struct PrecomputedEmbedder: Embedder {
    let modelName: String
    let table: [String: [Float]]
    let fallback: [Float]

    init(modelName: String, texts: [String], dimensions: Int) {
        self.modelName = modelName
        table = Dictionary(texts.map { ($0, StepBenchInputs.vector($0, dimensions: dimensions)) },
                           uniquingKeysWith: { first, _ in first })
        fallback = StepBenchInputs.vector("a passage", dimensions: dimensions)
    }

    func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map { table[$0] ?? fallback }
    }
}
