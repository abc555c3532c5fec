import FableTestSupport
import Foundation
import Testing

/// Replays every seed in `Fuzz/corpus/<target>` through its fuzz harness, built plain (no
/// sanitizer, no libFuzzer): each harness's checks must hold for every input — no crash, no
/// failed invariant. The seeds include every input a fuzz run found wrong, so a regression
/// shows here in a second. `scripts/fuzz` runs the fuzzer itself; see docs/reliability-fuzzing.md.
@Suite struct FuzzCorpusTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [("FuzzTelnet", "telnet"), ("FuzzPassage", "passage"), ("FuzzStory", "story")])
    func corpusReplaysClean(harness: String, corpus: String) async throws {
        // The harnesses are executables of this package, built beside the test bundle.
        let binary = FableProcess.binary.deletingLastPathComponent().appendingPathComponent(harness)
        try #require(FileManager.default.isExecutableFile(atPath: binary.path),
                     "build the harness first (swift build builds it): \(binary.path)")
        let folder = Self.repository.appendingPathComponent("Fuzz/corpus/\(corpus)")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        #expect(seeds.count >= 20, "the \(corpus) corpus holds only \(seeds.count) seeds")

        let scratch = ScratchFolder.make("fable-fuzz-replay")
        let outFile = scratch.appendingPathComponent("out.txt")
        let errFile = scratch.appendingPathComponent("err.txt")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)

        let process = Process()
        process.executableURL = binary
        // --verbose names each input before it runs, so a crash points at its seed.
        process.arguments = ["--verbose", folder.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        try process.run()
        try await process.finish(within: .seconds(120), "\(harness) replaying its corpus (a seed hangs)")
        let out = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOf: errFile, encoding: .utf8)) ?? ""
        let lastNamed = err.split(separator: "\n").last.map(String.init) ?? "(none)"
        #expect(process.terminationReason == .exit && process.terminationStatus == 0,
                "\(harness) failed on the \(corpus) corpus (last input: \(lastNamed)):\n\(out)")
        #expect(out.contains("replayed \(seeds.count) inputs"), "\(out)")
    }
}
