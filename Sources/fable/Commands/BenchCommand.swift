import ArgumentParser
import FableCore
import FableEngine
import FableLLM
import FableStore
import FableStub
import Foundation

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure Fable without a language model.",
        subcommands: [RecallBench.self, BenchStepCommand.self])
}

/// Long-term recall on planted facts (issue 3, item 5): a world of `--steps` steps is
/// written straight into a temporary database, some steps holding a fact; each fact is
/// asked for with other words (and, as a control, with its own), and the step holding
/// it must come back among the top 3 and top 10 of the last step's branch.
struct RecallBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall",
        abstract: "Recall@3 and recall@10 of planted facts: BM25 alone, dense alone, and both fused (RRF).",
        discussion: """
            Dense retrieval needs an embeddings endpoint (--embeddings-url, FABLE_EMBEDDINGS_URL, \
            or the config file), e.g. `scripts/embeddings start`; --stub-embeddings uses the \
            deterministic stub instead (words, not meanings). Without either, BM25 alone is measured.
            """)

    @Option(help: "Steps in the world (at least 100).")
    var steps = 500

    @Option(help: "Keep the world in this database file; a later run with the same file reuses the world and its vectors.")
    var db: String?

    @Flag(name: .customLong("stub-embeddings"), help: "Use the deterministic stub embedder, in process.")
    var stubEmbeddings = false

    @Option(help: "A YAML config file (env FABLE_CONFIG; default ./fable.yaml if present).")
    var config: String?

    @OptionGroup var embeddings: EmbeddingsOptions

    func run() async throws {
        guard steps >= 100 else { throw ValidationError("--steps must be at least 100") }
        let embedder: (any Embedder)?
        do {
            embedder = stubEmbeddings ? StubEmbedder()
                : try Settings.resolveEmbeddings(embeddings, config: config).map(OpenAIEmbeddingsClient.init)
        } catch {
            throw ValidationError("\(error)")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fable-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = db ?? folder.appendingPathComponent("recall.sqlite").path
        do {
            try await measure(path: path, embedder: embedder)
        } catch {
            Console.err("fable bench recall: \(error)\n")
            throw ExitCode.failure
        }
    }

    private func measure(path: String, embedder: (any Embedder)?) async throws {
        let store = try SQLiteStore(path: path)
        let bench = RecallWorld(steps: steps)
        var clock = ContinuousClock.now
        let (worldID, headID, plantedAt, reused) = try await bench.open(in: store)
        print("world: \(steps) steps, \(RecallWorld.facts.count) planted facts, "
              + (reused ? "reused from \(path)" : "written in \(Self.seconds(since: clock)) s (\(path))"))
        let overlapping = RecallWorld.facts.filter { !RecallWorld.sharedStems($0.fact, $0.paraphrase).isEmpty }
        print("paraphrase questions sharing a word stem with their fact: \(overlapping.count) of \(RecallWorld.facts.count)"
              + overlapping.map { " [\($0.paraphrase)]" }.joined())

        if let embedder {
            clock = .now
            var embedded = 0
            while true {
                let batch = try await store.stepsMissingVectors(worldID: worldID, model: embedder.modelName, limit: 32)
                if batch.isEmpty { break }
                let vectors = try await embedder.embed(batch.map { Retriever.passageText($0.content) })
                for (step, vector) in zip(batch, vectors) {
                    try await store.storeVector(stepID: step.id, model: embedder.modelName, vector: vector)
                }
                embedded += batch.count
                Console.err("\rembedding passages: \(embedded)")
            }
            let elapsed = Self.seconds(since: clock)
            if embedded > 0 { Console.err("\n") }
            print("embedded \(embedded) passages with \(embedder.modelName) in " + String(format: "%.1f s", elapsed)
                  + (embedded > 0 ? String(format: " (%.1f passages/s)", Double(embedded) / max(elapsed, 0.001)) : ""))
        }

        let memory = try await store.step(id: headID)?.content.memory ?? ""
        typealias Ranker = (_ question: String, _ memory: String, _ limit: Int) async throws -> [Int64]
        var rankers: [(name: String, rank: Ranker)] = []
        let lexical = Retriever(store: store)
        rankers.append(("BM25 alone", { question, memory, limit in
            try await lexical.search(endingAt: headID, instruction: question, memory: memory, limit: limit).passages.map(\.stepID)
        }))
        if let embedder {
            rankers.append(("dense alone", { question, memory, limit in
                let query = Retriever.queryText(instruction: question, memory: memory)
                let vector = try await embedder.embedQueries([query])[0]
                return try await store.denseSearchBranch(endingAt: headID, vector: vector, model: embedder.modelName,
                                                         limit: limit).map(\.stepID)
            }))
            for (name, keepsLeaders) in [(Self.fusedName, true), (Self.plainName, false)] {
                let retriever = Retriever(store: store, embedder: embedder, keepsLeaders: keepsLeaders)
                rankers.append((name, { question, memory, limit in
                    let result = try await retriever.search(endingAt: headID, instruction: question, memory: memory, limit: limit)
                    if let failure = result.denseFailure { throw ValidationError("the dense side failed: \(failure)") }
                    return result.passages.map(\.stepID)
                }))
            }
        }
        var rows: [Row] = []
        for questions in [QuestionSet.paraphrase, .lexical] {
            for withMemory in [true, false] {
                for ranker in rankers {
                    var measure = Measure()
                    for (index, fact) in RecallWorld.facts.enumerated() {
                        let question = questions == .paraphrase ? fact.paraphrase : fact.lexical
                        let queryMemory = withMemory ? memory : ""
                        // Top 3 as a step asks for it (timed), then top 10.
                        let started = ContinuousClock.now
                        let top3 = try await ranker.rank(question, queryMemory, 3)
                        let seconds = Self.seconds(since: started)
                        let top10 = try await ranker.rank(question, queryMemory, 10)
                        measure.add(top3: top3, top10: top10, target: plantedAt[index], seconds: seconds)
                    }
                    rows.append(Row(questions: questions.rawValue, query: withMemory ? "question + memory" : "question alone",
                                    ranking: ranker.name, measure: measure))
                }
            }
        }
        print("")
        print("| questions | query | ranking | recall@3 | recall@10 | p50 ms | p95 ms |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        for row in rows {
            let m = row.measure
            print("| \(row.questions) | \(row.query) | \(row.ranking) | \(m.recall(3)) | \(m.recall(10)) | "
                  + String(format: "%.1f | %.1f |", m.latencies.percentile(0.5), m.latencies.percentile(0.95)))
        }
        if embedder == nil {
            print("\n(no embeddings endpoint: give --embeddings-url or --stub-embeddings to measure dense retrieval)")
        }
    }

    private static let fusedName = "BM25 + dense (Fable: RRF, leaders kept)"
    private static let plainName = "BM25 + dense (plain RRF)"

    private enum QuestionSet: String { case paraphrase, lexical }

    private struct Row {
        var questions: String
        var query: String
        var ranking: String
        var measure: Measure
    }

    private struct Measure {
        var hits3 = 0
        var hits10 = 0
        var count = 0
        /// Milliseconds per question.
        var latencies = Samples()

        mutating func add(top3: [Int64], top10: [Int64], target: Int64, seconds: Double) {
            count += 1
            if top3.prefix(3).contains(target) { hits3 += 1 }
            if top10.prefix(10).contains(target) { hits10 += 1 }
            latencies.add(seconds * 1000)
        }

        func recall(_ k: Int) -> String {
            let hits = k == 3 ? hits3 : hits10
            return "\(hits)/\(count) = " + String(format: "%.2f", Double(hits) / Double(max(1, count)))
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}

/// The benchmark's world: filler passages from a fixed vocabulary, and facts planted in
/// distinct steps, each with a question in other words and a control question in its own.
struct RecallWorld {
    struct Fact {
        var fact: String
        /// The same thing asked with other words: no content word of the fact.
        var paraphrase: String
        /// The control: asked with the fact's own words.
        var lexical: String
    }

    let steps: Int

    /// Where fact `i` is planted: spread evenly over the branch, never in the last 10 steps.
    func depth(ofFact index: Int) -> Int {
        3 + index * (steps - 13) / Self.facts.count
    }

    var label: String { "bench:recall:\(steps)" }

    /// The world of an earlier run in this database, or a new one.
    func open(in store: SQLiteStore) async throws -> (world: Int64, head: Int64, plantedAt: [Int64], reused: Bool) {
        if let world = try await store.world(label: label), let headID = world.headStepID {
            let path = try await store.path(to: headID)
            let planted = Self.facts.indices.map { path[depth(ofFact: $0) - 1] }
            guard path.count == steps, zip(planted, Self.facts).allSatisfy({ $0.content.passage.contains($1.fact) }) else {
                throw ValidationError("the database holds another world labelled \(label); give --db a new file")
            }
            return (world.id, headID, planted.map(\.id), true)
        }
        let written = try await write(into: store)
        return (written.world, written.head, written.plantedAt, false)
    }

    /// Writes the world through the store's own commit; returns the world, its head and
    /// the id of the step holding each fact.
    func write(into store: SQLiteStore) async throws -> (world: Int64, head: Int64, plantedAt: [Int64]) {
        let premise = Premise(storyID: "bench-recall", title: "Saltmere", genre: "fantasy",
                              body: "A traveller spends a long winter in the harbour town of Saltmere.")
        let world = try await store.createWorld(label: label, premise: premise)
        var factAt: [Int: Int] = [:]
        for index in Self.facts.indices { factAt[depth(ofFact: index)] = index }
        var planted = [Int64](repeating: 0, count: Self.facts.count)
        var random = Generator(seed: 0x5A17_3E2E)
        var head: Step?
        for depth in 1...steps {
            var sentences = (0..<9).map { _ in Self.fillerSentence(&random) }
            if let index = factAt[depth] { sentences.insert(Self.facts[index].fact, at: 4) }
            let content = StepContent(
                outline: depth == 1 ? "The traveller learns the town's secrets before the spring ships come." : nil,
                passage: sentences.joined(separator: " "),
                memoryChange: "Dropped the details of step \(depth - 1); added step \(depth).",
                memory: "The traveller is wintering in Saltmere. Lately: " + (0..<3).map { _ in Self.fillerSentence(&random) }
                    .joined(separator: " ") + " The spring ships are still weeks away.",
                indexLine: "In step \(depth) the traveller walks through Saltmere and watches the town.",
                options: ["Walk to the quay.", "Visit the market.", "Rest at the inn."])
            let draft = StepDraft(worldID: world.id, parentID: head?.id, depth: depth, instruction: "Walk on.",
                                  content: content, telemetry: StepTelemetry(model: "bench"))
            let step = try await store.commit(draft, expectedHead: head?.id)
            if let index = factAt[depth] { planted[index] = step.id }
            head = step
        }
        return (world.id, head!.id, planted)
    }

    static func fillerSentence(_ random: inout Generator) -> String {
        "\(random.pick(subjects)) \(random.pick(verbs)) \(random.pick(objects)) \(random.pick(closers))"
    }

    /// A small deterministic generator (64-bit LCG), so every run writes the same world.
    struct Generator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func pick(_ list: [String]) -> String {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return list[Int((state >> 33) % UInt64(list.count))]
        }
    }

    /// Content words (search terms) of `a` and `b` whose first five letters agree: a
    /// conservative check that a paraphrase shares no word, or stem, with its fact.
    static func sharedStems(_ a: String, _ b: String) -> Set<String> {
        func stems(_ text: String) -> Set<String> {
            Set(SearchTerms.from(instruction: text, memory: "", limit: 100).map { String($0.prefix(5)) })
        }
        return stems(a).intersection(stems(b))
    }

    static let subjects = [
        "The ferryman", "A grey heron", "The old net mender", "Two pilgrims", "The harbour clerk", "A gull",
        "The keeper's dog", "The rope maker", "A tired carter", "The fishwife", "A boy with a kite",
        "The priest's cat", "The tide warden", "A stranger in a green cloak", "The lamplighter", "The cooper",
    ]
    static let verbs = [
        "watches", "crosses", "mends", "waits beside", "walks along", "hums about", "counts", "sketches",
        "circles", "follows", "sweeps", "talks about", "leans against", "stares at", "hurries past", "ignores",
    ]
    static let objects = [
        "the reeds", "the causeway", "the tide pools", "the chapel steps", "the fog bank", "the eel traps",
        "the granary door", "the low dunes", "the salt pans", "the quay", "the drying racks", "the market stalls",
        "the sea wall", "the boat sheds", "the lantern posts", "the cobbled lane",
    ]
    static let closers = [
        "while the wind turns cold.", "as the evening bell rings.", "under a grey sky.", "without a word.",
        "until the mist lifts.", "as the tide comes in.", "in the thin morning light.", "before the rain starts.",
        "with slow, patient steps.", "as smoke drifts from the chimneys.",
    ]

    static let facts: [Fact] = [
        Fact(fact: "Mara hid the silver key beneath the lighthouse stairs.",
             paraphrase: "Where did the woman conceal the metal opener by the beacon tower?",
             lexical: "Where is the silver key that Mara hid?"),
        Fact(fact: "Old Tobias buried his gold coins under the apple tree behind the mill.",
             paraphrase: "Where did the elderly man put his treasure in the ground near the orchard?",
             lexical: "Where did Tobias bury his gold coins?"),
        Fact(fact: "The captain's daughter drowned in the winter storm of the northern bay.",
             paraphrase: "How did the sea officer's girl lose her life during the cold season's gale?",
             lexical: "How did the captain's daughter die in the storm?"),
        Fact(fact: "Brother Anselm forged the abbot's signature on the land deed.",
             paraphrase: "Which monk faked the head priest's name on the property papers?",
             lexical: "Who forged the abbot's signature on the deed?"),
        Fact(fact: "The blacksmith Ulric is secretly afraid of deep water.",
             paraphrase: "What does the man who works iron at the anvil fear in private?",
             lexical: "What is the blacksmith Ulric afraid of?"),
        Fact(fact: "Lena poisoned the baron's wine with crushed nightshade berries.",
             paraphrase: "Who slipped a toxic herb into the lord's cup?",
             lexical: "Who poisoned the baron's wine with nightshade?"),
        Fact(fact: "The ferry to Grey Island stops running after the first snowfall.",
             paraphrase: "When does the boat service across to the isle end each year?",
             lexical: "When does the ferry to Grey Island stop running?"),
        Fact(fact: "Pell the fisherman owes forty crowns to the moneylender Vos.",
             paraphrase: "How much debt does the angler have with the usurer?",
             lexical: "How many crowns does Pell the fisherman owe Vos?"),
        Fact(fact: "The twins were born on the night the comet appeared.",
             paraphrase: "What sign lit the sky when the two siblings came into the world?",
             lexical: "On which night were the twins born?"),
        Fact(fact: "Sister Agathe keeps the convent's records in a locked cedar chest.",
             paraphrase: "Where does the nun store the abbey's archives?",
             lexical: "Where does Sister Agathe keep the convent records?"),
        Fact(fact: "Young Finn broke his left arm falling from the hayloft.",
             paraphrase: "Which injury did the boy suffer when he tumbled out of the barn's upper floor?",
             lexical: "How did young Finn break his arm?"),
        Fact(fact: "The mayor accepted bribes from the salt merchants' guild.",
             paraphrase: "Which town leader was paid off by the traders' association?",
             lexical: "Which guild bribed the mayor?"),
        Fact(fact: "Ilse's grandmother taught her to read the stars for navigation.",
             paraphrase: "From whom did the girl learn to steer a ship by the constellations?",
             lexical: "Who taught Ilse to read the stars?"),
        Fact(fact: "The wolves came down from the ridge and killed three sheep.",
             paraphrase: "What did the pack of predators do to the flock after descending from the hills?",
             lexical: "How many sheep did the wolves kill?"),
        Fact(fact: "Doctor Hale keeps a vial of antidote sewn into his coat lining.",
             paraphrase: "Where does the physician hide the cure for poison in his clothing?",
             lexical: "Where does Doctor Hale keep the antidote?"),
        Fact(fact: "The bridge over the Vell river collapsed during the spring flood.",
             paraphrase: "What happened to the crossing above the stream when the waters rose in April?",
             lexical: "When did the bridge over the Vell river collapse?"),
        Fact(fact: "Rosalind sold her mother's wedding ring to pay for the passage south.",
             paraphrase: "What family heirloom did the young lady trade away to afford the journey?",
             lexical: "Why did Rosalind sell her mother's wedding ring?"),
        Fact(fact: "The lighthouse keeper lost his sight to a fever last autumn.",
             paraphrase: "How did the man who tends the beacon go blind?",
             lexical: "How did the lighthouse keeper lose his sight?"),
        Fact(fact: "Captain Dray smuggles brandy in barrels marked as salted herring.",
             paraphrase: "How does the ship's master sneak liquor past customs?",
             lexical: "What does Captain Dray smuggle in the herring barrels?"),
        Fact(fact: "The old chapel bell was melted down to make cannon.",
             paraphrase: "What became of the church's ringing instrument when weapons were needed?",
             lexical: "Why was the old chapel bell melted down?"),
        Fact(fact: "Hesper can speak with ravens and understands their warnings.",
             paraphrase: "Which person talks to the black birds and grasps what they caution?",
             lexical: "Who can speak with ravens?"),
        Fact(fact: "The innkeeper waters down the ale and charges double on market days.",
             paraphrase: "How does the tavern owner cheat customers with the beer?",
             lexical: "Does the innkeeper water down the ale?"),
        Fact(fact: "A shipwreck lies at the bottom of Marrow Cove with chests of pearls.",
             paraphrase: "What sunken vessel rests beneath the inlet, holding jewels from the sea?",
             lexical: "What shipwreck lies at the bottom of Marrow Cove?"),
        Fact(fact: "Gideon lost his fortune gambling at dice in the capital.",
             paraphrase: "How did the man squander his wealth betting in the big city?",
             lexical: "How did Gideon lose his fortune?"),
        Fact(fact: "The orphan girl Tansy sleeps in the bakery's warm storeroom.",
             paraphrase: "Where does the parentless child spend her nights near the bread ovens?",
             lexical: "Where does the orphan Tansy sleep?"),
        Fact(fact: "The duke's letter ordered the arrest of every traveling minstrel.",
             paraphrase: "What command did the nobleman send about detaining wandering musicians?",
             lexical: "What did the duke's letter order about minstrels?"),
        Fact(fact: "Old Wenna brews a tea from willow bark that eases fever.",
             paraphrase: "What remedy does the elderly woman make for a high temperature?",
             lexical: "What does Wenna brew from willow bark?"),
        Fact(fact: "The mill wheel stopped because someone wedged an iron bar into the gears.",
             paraphrase: "Why did the grinding machine by the stream halt, and what sabotage happened?",
             lexical: "Why did the mill wheel stop?"),
        Fact(fact: "Corin fell in love with the harbour master's widow.",
             paraphrase: "Whom did the young man become smitten with, a woman who lost her husband at the port?",
             lexical: "Did Corin fall in love with the harbour master's widow?"),
        Fact(fact: "The mine beneath Crow Hill flooded and trapped eleven miners.",
             paraphrase: "What disaster left workers stuck underground when water filled the tunnels?",
             lexical: "How many miners were trapped when the Crow Hill mine flooded?"),
        Fact(fact: "Aldous copied the forbidden map and gave it to the rebels.",
             paraphrase: "Who duplicated the banned chart and handed it to the insurgents?",
             lexical: "Who copied the forbidden map for the rebels?"),
        Fact(fact: "The queen's emerald necklace was stolen during the harvest feast.",
             paraphrase: "When was the monarch's green jewel taken, at which celebration?",
             lexical: "When was the queen's emerald necklace stolen?"),
        Fact(fact: "Maelis trained the hawk to carry messages between the two castles.",
             paraphrase: "Who taught a bird of prey to deliver notes between fortresses?",
             lexical: "Who trained the hawk to carry messages?"),
        Fact(fact: "The well in the village square turned bitter after the earthquake.",
             paraphrase: "Why does the town's drinking water taste foul since the ground shook?",
             lexical: "When did the well in the village square turn bitter?"),
        Fact(fact: "Bram the shepherd found a newborn baby abandoned in the snow.",
             paraphrase: "What did the herdsman discover left alone in the cold, a tiny infant?",
             lexical: "What did Bram the shepherd find in the snow?"),
        Fact(fact: "The scholar Ivo burned his own manuscripts before fleeing the city.",
             paraphrase: "Why did the learned man set fire to his writings before running away?",
             lexical: "What did the scholar Ivo burn before fleeing the city?"),
    ]
}
