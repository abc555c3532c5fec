import FableTestSupport
import Foundation
import Testing

/// Runs the built `fable` executable as a user would, with files for its output.
struct FableProcess {
    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["FABLE_BIN"] { return URL(fileURLWithPath: path) }
        // The test bundle sits beside the products it was built with.
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("fable")
    }

    let process = Process()
    let folder: URL
    private let outFile: URL
    private let errFile: URL

    init(_ arguments: [String], in folder: URL, llmURL: String, stdin: String? = nil,
         environment extra: [String: String] = [:]) throws {
        self.folder = folder
        outFile = folder.appendingPathComponent("out-\(UUID().uuidString).txt")
        errFile = folder.appendingPathComponent("err-\(UUID().uuidString).txt")
        _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["FABLE_LLM_URL"] = llmURL
        environment["FABLE_DB"] = nil
        // Dense retrieval only where a test asks for it: the default local endpoint may or may
        // not be running beside the tests.
        environment["FABLE_EMBEDDINGS_URL"] = "none"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: outFile)
        process.standardError = try FileHandle(forWritingTo: errFile)
        if let stdin {
            let input = folder.appendingPathComponent("in-\(UUID().uuidString).txt")
            try stdin.write(to: input, atomically: true, encoding: .utf8)
            process.standardInput = try FileHandle(forReadingFrom: input)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build fable first: \(Self.binary.path)")
        try process.run()
    }

    /// Waits for the process (killing it after `timeout`) and returns what it printed.
    func finish(timeout: Duration = .seconds(60)) async throws -> Result {
        try await process.finish(within: timeout, "fable \(process.arguments ?? [])")
        return Result(status: process.terminationStatus,
                      out: (try? String(contentsOf: outFile, encoding: .utf8)) ?? "",
                      err: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    static func run(_ arguments: [String], in folder: URL, llmURL: String, stdin: String? = nil,
                    environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> Result {
        try await FableProcess(arguments, in: folder, llmURL: llmURL, stdin: stdin, environment: environment)
            .finish(timeout: timeout)
    }
}

func temporaryFolder() -> URL {
    ScratchFolder.make("fable-e2e")
}

/// The story shipped with the project.
var storyPath: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../stories/lighthouse.md").standardizedFileURL.path
}
