import FableCore
import Foundation

extension StepBench {
    /// One size's figures as a Markdown table, with its prompts and database.
    public static func table(_ result: Result) -> String {
        var lines = ["| \(result.size) steps: part | p50 ms | p99 ms | mean ms | CPU p50 ms |", "| --- | --- | --- | --- | --- |"]
        for part in Part.allCases {
            if let timing = result.parts[part] { lines.append(row(part.rawValue, timing.wall, cpu: timing.cpu)) }
        }
        let promptUsed = result.storyPremise ? "story premise" : "bench premise"
        lines.append(row("**total, BM25** (sum per sample, \(promptUsed))", result.totalLexical.wall,
                         cpu: result.totalLexical.cpu))
        lines.append(row("total, BM25, with --durability every-second", result.totalLexicalEverySecond, cpu: nil))
        lines.append(row("**total, fused** (sum per sample, \(promptUsed); what the reader waits for)", result.totalFused.wall,
                         cpu: result.totalFused.cpu))
        lines.append(row("total, fused, and the step's indexing after it is shown", result.totalFusedIndexed.wall,
                         cpu: result.totalFusedIndexed.cpu))
        if let engine = result.engineLexical {
            lines.append(row("engine end to end, BM25 (instant in-process model, bench premise)", engine.wall, cpu: engine.cpu))
        }
        if let engine = result.engineFused {
            lines.append(row("engine end to end, fused (instant in-process model, bench premise)", engine.wall, cpu: engine.cpu))
        }
        let (at10, atLast) = (result.promptAt10, result.promptAtLast)
        lines += ["",
                  "prompt after step 10: \(at10.characters) characters, \(at10.estimatedTokens) estimated tokens; "
                      + "after step \(result.size): \(atLast.characters) characters, \(atLast.estimatedTokens) tokens; "
                      + String(format: "ratio %.3f", promptRatio(result)),
                  "database: \(result.databaseBytes / 1024) KiB"]
        return lines.joined(separator: "\n")
    }

    /// Every size in one table, against the step overhead's targets.
    public static func summary(_ results: [Result]) -> String {
        guard let smallest = results.first else { return "" }
        var lines = ["## Summary (the step overhead's targets: 10,000 steps p50 ≤ 2 ms, p99 ≤ 10 ms, ≤ 1.5× the 100-step figure; "
                     + "BM25 p50 ≤ 1 ms, fused p50 ≤ 5 ms; prompt ≤ 1.2× step 10's)",
                     "",
                     "| steps | total BM25 p50 / p99 ms | × smallest (p50) | total BM25 CPU p50 ms | total fused p50 / p99 ms | "
                     + "BM25 p50 / p99 ms | fused p50 / p99 ms | engine e2e p50 / p99 ms | prompt chars step 10 → last (ratio) |",
                     "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
        let base = smallest.totalLexical.wall.percentile(0.5)
        func pair(_ samples: Samples) -> String {
            "\(Samples.format(samples.percentile(0.5))) / \(Samples.format(samples.percentile(0.99)))"
        }
        for result in results {
            let ratio = base > 0 ? result.totalLexical.wall.percentile(0.5) / base : 0
            lines.append("| \(result.size) | \(pair(result.totalLexical.wall)) | \(String(format: "%.2f", ratio)) | "
                         + "\(Samples.format(result.totalLexical.cpu.percentile(0.5))) | \(pair(result.totalFused.wall)) | "
                         + "\(pair(result.parts[.bm25]?.wall ?? Samples())) | \(pair(result.parts[.fused]?.wall ?? Samples())) | "
                         + "\(result.engineLexical.map { pair($0.wall) } ?? "–") | "
                         + "\(result.promptAt10.characters) → \(result.promptAtLast.characters) "
                         + "(\(String(format: "%.3f", promptRatio(result)))) |")
        }
        return lines.joined(separator: "\n")
    }

    /// The last prompt's length over step 10's.
    public static func promptRatio(_ result: Result) -> Double {
        Double(result.promptAtLast.characters) / Double(max(1, result.promptAt10.characters))
    }

    private static func row(_ name: String, _ samples: Samples, cpu: Samples?) -> String {
        let figures = samples.percentiles([0.5, 0.99])
        return "| \(name) | \(Samples.format(figures[0])) | \(Samples.format(figures[1])) | \(Samples.format(samples.mean)) | "
            + (cpu.map { Samples.format($0.percentile(0.5)) } ?? "–") + " |"
    }
}
