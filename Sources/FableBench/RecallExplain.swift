import FableCore
import FableEngine
import FableStore

/// Why a paraphrase question finds its fact or not: for each fact asked as the reader's
/// instruction, the fact's place in each ranking the fusion sees (dense, BM25 of the question,
/// BM25 of the memory) and in the fused result, and what holds the fused first three places.
struct RecallExplain {
    let store: SQLiteStore
    let embedder: any Embedder
    let retriever: Retriever
    /// How deep each ranking is read to find the fact.
    var depth = 100

    func lines(facts: [RecallCorpus.Fact], plantedAt: [Int64], headID: Int64, memory: String) async throws -> [String] {
        var lines = ["per fact, paraphrase asked as the instruction: its rank in dense / BM25 / memory BM25 / fused "
                     + "(– beyond \(depth)); BM25's first stands out: *; the fused top 3 when the fact is not among them"]
        let memoryRanking = try await store.searchBranch(endingAt: headID, terms: SearchTerms.from(instruction: memory, memory: ""),
                                                         limit: depth)
        for (index, fact) in facts.enumerated() {
            let question = fact.paraphrase
            let vector = try await QueryEmbedding.vectors([question], embedder: embedder)
            // The two searches below find the question's vector embedded already.
            await retriever.prepareQueries([question])
            let dense = try await store.denseSearchBranch(endingAt: headID, vectors: vector, model: embedder.modelName,
                                                          limit: depth).first ?? []
            let lexical = try await store.searchBranch(endingAt: headID, terms: SearchTerms.from(instruction: question, memory: ""),
                                                       limit: depth)
            let fused = try await retriever.search(endingAt: headID, query: .text(question, memory: memory), limit: 10).passages
            let top3 = try await retriever.search(endingAt: headID, query: .text(question, memory: memory), limit: 3).passages
            let target = plantedAt[index]
            func rank(_ list: [RetrievedPassage], _ id: Int64) -> String {
                list.firstIndex { $0.stepID == id }.map { "\($0 + 1)" } ?? "–"
            }
            let standsOut = retriever.firstStandsOut(lexical)
            let hit = top3.contains { $0.stepID == target }
            lines.append("\(hit ? "hit " : "MISS") #\(index + 1) dense \(rank(dense, target)) / BM25 \(rank(lexical, target))"
                         + "\(standsOut ? "*" : "") / memory \(rank(memoryRanking, target)) / fused \(rank(fused, target))"
                         + (hit ? "" : ": \(fact.fact) ← \(question)")
                         + " [cos \(format(piece(dense, target)?.score))]")
            guard !hit else { continue }
            for passage in top3 {
                let best = piece(dense, passage.stepID) ?? piece(lexical, passage.stepID)
                lines.append("       top: dense \(rank(dense, passage.stepID)) / BM25 \(rank(lexical, passage.stepID))"
                             + " / memory \(rank(memoryRanking, passage.stepID)) [cos \(format(piece(dense, passage.stepID)?.score))]"
                             + " \(best?.text ?? passage.indexLine)")
            }
        }
        return lines
    }

    private func piece(_ list: [RetrievedPassage], _ id: Int64) -> RetrievedPiece? {
        list.first { $0.stepID == id }?.pieces.first
    }

    /// Three decimals.
    private func format(_ value: Double?) -> String {
        guard let value else { return "–" }
        let thousandths = Int((abs(value) * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return (value < 0 ? "-" : "") + "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
