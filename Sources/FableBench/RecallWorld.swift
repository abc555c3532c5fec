import FableCore
import FableStore

/// The recall benchmark's world in one language: ordinary prose from the corpus's grammar,
/// with each fact planted once, as one sentence of one passage, spread over the branch.
public struct RecallWorld: Sendable {
    public let corpus: RecallCorpus
    public let steps: Int
    /// Distinct filler sentences the passages draw from. A story repeats itself less than
    /// this, but every distinct sentence is embedded once, which keeps a 10,000-step world's
    /// vectors to minutes.
    public let fillerPool: Int

    public init(corpus: RecallCorpus, steps: Int, fillerPool: Int = 4_000) {
        self.corpus = corpus
        self.steps = steps
        self.fillerPool = fillerPool
    }

    public var label: String { "bench:recall:\(corpus.language):\(steps)" }

    /// Where fact `i` is planted: spread evenly, never in the last ten steps.
    public func depth(ofFact index: Int) -> Int {
        3 + index * (steps - 13) / corpus.facts.count
    }

    /// The world of an earlier run in this database, or a new one; the steps holding the facts.
    public func open(in store: SQLiteStore) async throws -> (world: Int64, head: Int64, plantedAt: [Int64], reused: Bool) {
        if let world = try await store.world(label: label), let headID = world.headStepID {
            let path = try await store.path(to: headID)
            let planted = corpus.facts.indices.map { path[depth(ofFact: $0) - 1] }
            guard path.count == steps, zip(planted, corpus.facts).allSatisfy({ $0.content.passage.contains($1.fact) }) else {
                throw RecallBenchError("the database holds another world labelled \(label); use a new file")
            }
            return (world.id, headID, planted.map(\.id), true)
        }
        let written = try await write(into: store)
        return (written.world, written.head, written.plantedAt, false)
    }

    /// Writes the world through the store's own commit.
    public func write(into store: SQLiteStore) async throws -> (world: Int64, head: Int64, plantedAt: [Int64]) {
        let premise = Premise(storyID: "bench-recall-\(corpus.language)", title: corpus.title, genre: "fantasy",
                              language: corpus.language, body: corpus.premise)
        let world = try await store.createWorld(label: label, premise: premise)
        var factAt: [Int: Int] = [:]
        for index in corpus.facts.indices { factAt[depth(ofFact: index)] = index }
        var planted = [Int64](repeating: 0, count: corpus.facts.count)
        let pool = Self.filler(corpus.grammar, count: fillerPool)
        var random = SeededRandom(seed: 0x5A17_3E2E)
        var head: Step?
        let separator = corpus.language == "zh" ? "" : " "
        for depth in 1...steps {
            var sentences = (0..<9).map { _ in pool[random.next(below: pool.count)] }
            if let index = factAt[depth] { sentences.insert(corpus.facts[index].fact, at: 1 + random.next(below: 8)) }
            let content = StepContent(
                outline: depth == 1 ? corpus.premise : nil,
                passage: sentences.joined(separator: separator),
                memoryChange: "",
                memory: corpus.memory + separator + (0..<3).map { _ in pool[random.next(below: pool.count)] }
                    .joined(separator: separator),
                indexLine: pool[random.next(below: pool.count)],
                options: (0..<3).map { _ in corpus.options[random.next(below: corpus.options.count)] })
            let draft = StepDraft(worldID: world.id, parentID: head?.id, depth: depth, instruction: corpus.options[0],
                                  content: content, telemetry: StepTelemetry(model: "bench"))
            let step = try await store.commit(draft, expectedHead: head?.id)
            if let index = factAt[depth] { planted[index] = step.id }
            head = step
        }
        return (world.id, head!.id, planted)
    }

    /// `count` distinct sentences of the grammar (fewer if it cannot make that many), in a
    /// fixed order: every run writes the same world.
    public static func filler(_ grammar: RecallCorpus.Grammar, count: Int) -> [String] {
        var random = SeededRandom(seed: 0xF111_E7)
        var seen = Set<String>()
        var result: [String] = []
        var tries = 0
        while result.count < count, tries < count * 20 {
            tries += 1
            var sentence = grammar.templates[random.next(below: grammar.templates.count)]
            for (slot, values) in [("{person}", grammar.people), ("{place}", grammar.places), ("{thing}", grammar.things),
                                   ("{time}", grammar.times), ("{weather}", grammar.weather),
                                   ("{feeling}", grammar.feelings)] {
                while let range = sentence.range(of: slot) {
                    sentence.replaceSubrange(range, with: values[random.next(below: values.count)])
                }
            }
            if let first = sentence.first, first.isLowercase {
                sentence = first.uppercased() + sentence.dropFirst()
            }
            if seen.insert(sentence).inserted { result.append(sentence) }
        }
        return result
    }

    /// The content words two texts share, as the check of a paraphrase sees them: search
    /// terms (CJK as bigrams) less the language's function words, Latin words compared by
    /// their first five letters.
    public static func sharedWords(_ a: String, _ b: String, functionWords: Set<String>) -> Set<String> {
        func keys(_ text: String) -> Set<String> {
            Set(SearchTerms.from(instruction: text, memory: "", limit: 1_000)
                .filter { !functionWords.contains($0) }
                .map { $0.unicodeScalars.contains(where: { $0.properties.isIdeographic }) ? $0 : String($0.prefix(5)) })
        }
        return keys(a).intersection(keys(b))
    }
}

/// A small deterministic generator (64-bit LCG), so every run writes the same world.
public struct SeededRandom: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next(below bound: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(bound))
    }
}

public struct RecallBenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
