import ArgumentParser
import FableBench
import FableLoad
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
        subcommands: [RecallBenchCommand.self, BenchStepCommand.self])
}

/// Long-term recall on planted facts (`FableBench.RecallBench`), in each language asked for.
struct RecallBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recall",
        abstract: "Recall@3 and recall@10 of planted facts asked for in other words: BM25 alone and fused with vectors.",
        discussion: """
            Dense retrieval uses the embeddings endpoint of the other commands (by default the local \
            one of `scripts/embeddings start`; --embeddings-url, FABLE_EMBEDDINGS_URL or the config \
            file); --stub-embeddings uses the deterministic stub instead (words, not meanings); \
            --embeddings-url none measures BM25 alone.
            """)

    @Option(help: "Steps in each world (at least 100).")
    var steps = 500

    @Option(help: "Languages, comma-separated: en, zh, fr.")
    var languages = "en,zh,fr"

    @Option(help: "Keep the worlds in this database file; a later run with the same file reuses them and their vectors.")
    var db: String?

    @Flag(help: "Also print each paraphrase's rank in the dense, BM25 and memory rankings, and what outranks a missed fact.")
    var explain = false

    @Flag(name: .customLong("stub-embeddings"), help: "Use the deterministic stub embedder, in process.")
    var stubEmbeddings = false

    @Option(help: "A YAML config file (env FABLE_CONFIG; default ./fable.yaml if present).")
    var config: String?

    @OptionGroup var embeddings: EmbeddingsOptions

    func run() async throws {
        guard steps >= 100 else { throw ValidationError("--steps must be at least 100") }
        let corpora: [String: RecallCorpus] = ["en": .english, "zh": .chinese, "fr": .french]
        let chosen = try languages.split(separator: ",").map { code -> RecallCorpus in
            guard let corpus = corpora[String(code)] else { throw ValidationError("no recall corpus in \(code): en, zh or fr") }
            return corpus
        }
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
            print(MachineDescription.current().line)
            let store = try SQLiteStore(path: path)
            if let embedder {
                let status = await Retriever(store: store, embedder: embedder).probe()
                guard status == .on else { throw ValidationError("long-term search: \(status)") }
            }
            for corpus in chosen {
                let bench = RecallBench(world: RecallWorld(corpus: corpus, steps: steps), embedder: embedder,
                                        explains: explain)
                let rows = try await bench.run(store: store) { print($0) }
                print("")
                print(RecallBench.table(rows))
                print("")
            }
            if embedder == nil { print("(dense retrieval off: BM25 alone measured)") }
        } catch {
            Console.err("fable bench recall: \(error)\n")
            throw ExitCode.failure
        }
    }
}
