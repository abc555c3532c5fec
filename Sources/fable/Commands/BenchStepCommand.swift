import ArgumentParser
import FableBench
import FableLoad
import FableStorePostgres
import FableStories
import Foundation

/// What a step costs apart from the model, on worlds of several sizes (`FableBench.StepBench`).
struct BenchStepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "step",
        abstract: "p50/p99 of everything a step costs except the model, on worlds of 100, 1,000 and 10,000 steps.",
        discussion: """
            The worlds are `fable bench recall`'s (filler passages, written through the store's own \
            commit), with a vector per step from a deterministic stub embedder (no model runs while \
            timing: the query vectors are made beforehand). With --db-dir the worlds are kept \
            (step-bench-N.sqlite) and reused by later runs. Put the databases on a real disk: \
            the commit's fsync is part of the figure. With --postgres URL each size is also timed \
            on that PostgreSQL server, in the same run: the world is copied into two new databases \
            (every-step and every-second commits), dropped at the end.
            """)

    @Option(help: "World sizes in steps, comma-separated (each at least 100).")
    var sizes = "100,1000,10000"

    @Option(help: "Timed steps per size.")
    var samples = 200

    @Option(help: "Untimed steps per size before the timed ones.")
    var warmup = 10

    @Option(help: "Dimensions of the step vectors.")
    var dimensions = 384

    @Option(name: .customLong("db-dir"), help: "Keep the worlds in this folder and reuse them (default: a temporary folder, removed).")
    var dbDir: String?

    @Option(help: "A story file whose premise (with its lore) the prompt is also built from, as a server world's would be.")
    var story = "stories/lighthouse.md"

    @Option(help: "Also time each size on this PostgreSQL server (postgres://USER@HOST:PORT/DATABASE; its user may create databases).")
    var postgres: String?

    @Flag(name: .customLong("no-engine"), help: "Skip the end-to-end engine rows (e.g. under a profiler).")
    var noEngine = false

    func validate() throws {
        guard !parsedSizes.isEmpty, parsedSizes.allSatisfy({ $0 >= 100 }) else {
            throw ValidationError("--sizes must be numbers of at least 100, e.g. 100,1000,10000")
        }
        guard samples >= 1, warmup >= 0, dimensions >= 8 else {
            throw ValidationError("--samples must be at least 1, --dimensions at least 8")
        }
    }

    private var parsedSizes: [Int] {
        sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    func run() async throws {
        let temporary = dbDir == nil
        let folder = dbDir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("fable-bench-step-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if temporary { try? FileManager.default.removeItem(at: folder) } }
        print("fable bench step: \(samples) samples (+\(warmup) warm-up) per size, \(dimensions)-dimension vectors, "
              + "databases in \(folder.path)\(temporary ? " (temporary)" : "")")
        print(MachineDescription.current().line)
        do {
            let premise = FileManager.default.fileExists(atPath: story) ? try StoryFile.loadPremise(path: story) : nil
            let bench = StepBench(samples: samples, warmup: warmup, dimensions: dimensions, storyPremise: premise,
                                  engine: !noEngine)
            let server = try postgres.map { url -> PostgresLocation in
                guard let location = try PostgresLocation.parse(url) else {
                    throw ValidationError("--postgres takes a URL: postgres://USER@HOST:PORT/DATABASE")
                }
                return location
            }
            var results: [StepBench.Result] = []
            var postgresResults: [StepBench.Result] = []
            for size in parsedSizes {
                print("")
                print("## \(size) steps")
                let path = folder.appendingPathComponent("step-bench-\(size).sqlite").path
                let result = try await bench.run(size: size, path: path) { print($0) }
                print("")
                print(StepBench.table(result))
                results.append(result)
                if let server {
                    print("")
                    print("## \(size) steps, PostgreSQL (\(server))")
                    let result = try await bench.run(size: size, path: path, on: .postgres(server)) { print($0) }
                    print("")
                    print(StepBench.table(result))
                    postgresResults.append(result)
                }
            }
            print("")
            print(StepBench.summary(results))
            if !postgresResults.isEmpty {
                print("")
                print("PostgreSQL:")
                print(StepBench.summary(postgresResults))
            }
        } catch {
            Console.err("fable bench step: \(error)\n")
            throw ExitCode.failure
        }
    }
}
