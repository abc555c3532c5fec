import FableBench
import FableCore
import Foundation
import Synchronization
import Testing

/// The step bench on a small world: every part of the step is timed, through the engine's
/// own phases, and the figures are of the right shape.
@Suite(.serialized, .timeLimit(.minutes(3))) struct StepBenchTests {
    @Test func aSmallRunTimesEveryPartOfTheStep() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fable-step-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let premise = Premise(storyID: "lore", title: "The Lore", genre: "fantasy", language: "en",
                              body: "A marsh kingdom.")
        let bench = StepBench(samples: 3, warmup: 1, dimensions: 16, storyPremise: premise)
        let path = folder.appendingPathComponent("step-bench-100.sqlite").path
        let result = try await bench.run(size: 100, path: path) { _ in }

        #expect(result.size == 100)
        for part in StepBench.Part.allCases {
            let timing = try #require(result.parts[part], "\(part)")
            #expect(timing.wall.count == 3, "\(part)")
            #expect(timing.wall.values.allSatisfy { $0 > 0 }, "\(part)")
            #expect(timing.cpu.values.allSatisfy { $0 >= 0 }, "\(part)")
        }
        #expect(result.totalLexical.wall.count == 3 && result.totalFused.wall.count == 3
                && result.totalFusedIndexed.wall.count == 3)
        #expect(result.totalLexicalEverySecond.count == 3)
        // The totals are sums of parts, so each is above its retrieval alone.
        #expect(result.totalLexical.wall.percentile(0) > result.parts[.bm25]!.wall.percentile(0))
        #expect(result.totalFused.wall.percentile(0) > result.parts[.fused]!.wall.percentile(0))
        #expect(result.engineLexical?.wall.count == 3 && result.engineFused?.wall.count == 3)
        #expect(result.engineLexical!.wall.values.allSatisfy { $0 > 0 })
        #expect(result.promptAt10.characters > 0 && result.promptAtLast.characters > 0)
        #expect(result.databaseBytes > 0)

        let table = StepBench.table(result)
        #expect(table.contains("| 100 steps: part |"))
        #expect(table.contains("**total, fused** (sum per sample, story premise; what the reader waits for)"))
        #expect(result.totalFusedIndexed.wall.percentile(0) > result.totalFused.wall.percentile(0))
        #expect(StepBench.summary([result]).contains("| 100 | "))

        // A second run reuses the world the first one kept.
        let lines = LockedLines()
        _ = try await StepBench(samples: 1, warmup: 0, dimensions: 16, engine: false).run(size: 100, path: path) {
            lines.add($0)
        }
        #expect(lines.all.contains { $0.hasPrefix("world reused from") }, "\(lines.all)")
    }
}

private final class LockedLines: Sendable {
    private let lines = Mutex<[String]>([])
    func add(_ line: String) { lines.withLock { $0.append(line) } }
    var all: [String] { lines.withLock { $0 } }
}
