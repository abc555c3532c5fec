import Foundation
import Testing

/// `fable stub` and `fable serve --port 0` as child processes in a temporary folder, the way an
/// admin runs them, for tests that connect with real clients. `stop()` ends both.
final class ServeProcess {
    let folder: URL
    /// The telnet port `fable serve` printed.
    let port: Int
    /// The TLS port it printed, when `arguments` asked for a TLS listener (`--tls-port`).
    let tlsPort: Int?
    /// The stub model's base URL (`…/v1`), as `fable stub` printed it.
    let stubURL: String
    var databasePath: String { folder.appendingPathComponent("fable.sqlite").path }
    var storiesFolder: URL { folder.appendingPathComponent("stories") }

    private let stub: Process
    private let server: Process

    /// Where the server's long-term search gets its vectors: nowhere (BM25 alone), the stub
    /// (which answers embeddings too), or another URL.
    enum Embeddings {
        case off
        case stub
        case url(String)
    }

    /// Starts both; `stories` maps file names (`tiny.md`) to their text; `arguments` go to
    /// `fable serve` after the usual ones, `stubArguments` to `fable stub` (its pacing).
    init(stories: [String: String], in folder: URL = temporaryFolder(), embeddings: Embeddings = .off,
         arguments: [String] = [], stubArguments: [String] = []) async throws {
        self.folder = folder
        let storiesFolder = folder.appendingPathComponent("stories")
        try FileManager.default.createDirectory(at: storiesFolder, withIntermediateDirectories: true)
        for (name, text) in stories {
            try text.write(to: storiesFolder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try #require(FileManager.default.isExecutableFile(atPath: FableProcess.binary.path),
                     "build fable first: \(FableProcess.binary.path)")

        stub = try Self.launch(["stub", "--port", "0"] + stubArguments, in: folder, name: "stub", environment: [:])
        var stubURL = ""
        do {
            // "fable stub: serving http://127.0.0.1:PORT/v1" on stderr.
            let line = try await Self.waitForLine(containing: "serving http", in: folder.appendingPathComponent("stub.err"),
                                                  while: stub)
            stubURL = String(line[line.range(of: "http")!.lowerBound...]).trimmingCharacters(in: .whitespaces)
        } catch {
            Self.end(stub)
            throw error
        }
        self.stubURL = stubURL

        let embeddingsURL = switch embeddings {
        case .off: "none"
        case .stub: stubURL
        case .url(let url): url
        }
        server = try Self.launch(["serve", "--port", "0", "--db", "fable.sqlite", "--stories", "stories",
                                  "--password-rounds", "16"] + arguments,
                                 in: folder, name: "serve",
                                 environment: ["FABLE_LLM_URL": stubURL, "FABLE_EMBEDDINGS_URL": embeddingsURL])
        do {
            // "fable: serving on 127.0.0.1:PORT (model …, database …)" on stdout.
            let line = try await Self.waitForLine(containing: "fable: serving on 127.0.0.1:",
                                                  in: folder.appendingPathComponent("serve.out"), while: server)
            let rest = line[line.range(of: "127.0.0.1:")!.upperBound...]
            port = try #require(Int(rest.prefix { $0.isNumber }), "no port in \(line)")
            if arguments.contains("--tls-port") {
                // "fable: serving TLS on 127.0.0.1:PORT (certificate …)", printed after the above.
                let line = try await Self.waitForLine(containing: "fable: serving TLS on 127.0.0.1:",
                                                      in: folder.appendingPathComponent("serve.out"), while: server)
                let rest = line[line.range(of: "127.0.0.1:")!.upperBound...]
                let found: Int = try #require(Int(rest.prefix { $0.isNumber }), "no port in \(line)")
                tlsPort = found
            } else {
                tlsPort = nil
            }
        } catch {
            Self.end(server)
            Self.end(stub)
            throw error
        }
    }

    /// The web client's address, as `fable serve` printed it ("fable: web client at URL").
    func webURL() async throws -> String {
        let line = try await Self.waitForLine(containing: "fable: web client at http://",
                                              in: folder.appendingPathComponent("serve.out"), while: server)
        return String(line[line.range(of: "http://")!.lowerBound...]).trimmingCharacters(in: .whitespaces)
    }

    /// What the server logged on stderr so far (for failure messages).
    var serverLog: String {
        (try? String(contentsOf: folder.appendingPathComponent("serve.err"), encoding: .utf8)) ?? ""
    }

    /// The server's process id (to read its memory from /proc).
    var serverPID: Int32 { server.processIdentifier }

    /// What the server printed on stdout so far.
    var serverOutput: String {
        (try? String(contentsOf: folder.appendingPathComponent("serve.out"), encoding: .utf8)) ?? ""
    }

    /// SIGTERM (the server shuts down gracefully), SIGKILL after a few seconds; returns the
    /// server's exit status.
    @discardableResult
    func stop() -> Int32 {
        let status = Self.end(server)
        Self.end(stub)
        return status
    }

    deinit {
        if server.isRunning || stub.isRunning { stop() }
    }

    // MARK: Processes

    private static func launch(_ arguments: [String], in folder: URL, name: String,
                               environment extra: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = FableProcess.binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["FABLE_DB"] = nil
        environment["FABLE_CONFIG"] = nil
        // Dense retrieval only where a test asks for it (see FableProcess).
        environment["FABLE_EMBEDDINGS_URL"] = "none"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        let out = folder.appendingPathComponent("\(name).out")
        let err = folder.appendingPathComponent("\(name).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    private static func waitForLine(containing marker: String, in file: URL, while process: Process,
                                    timeout: Duration = .seconds(30)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            if !process.isRunning {
                let err = (try? String(contentsOf: file.deletingPathExtension().appendingPathExtension("err"),
                                       encoding: .utf8)) ?? ""
                throw ServeProcessError(description: "fable \(process.arguments ?? []) exited (\(process.terminationStatus)) before printing `\(marker)`: \(err)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ServeProcessError(description: "fable \(process.arguments ?? []) did not print `\(marker)` in time")
    }

    @discardableResult
    private static func end(_ process: Process) -> Int32 {
        guard process.isRunning else { return process.terminationStatus }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        return process.terminationStatus
    }
}

struct ServeProcessError: Error, CustomStringConvertible {
    var description: String
}

/// One run of `expect -f SCRIPT` (Debian's expect, driving a real `telnet` or `nc`).
struct ExpectRun {
    var status: Int32
    var out: String
    var err: String
    /// What the client showed, as expect's `log_file` captured it (input echoes included).
    var log: String

    /// The procedures every script starts with: `want TEXT` and `wantRE PATTERN` wait (20 s at
    /// most) or exit 2 naming what they waited for; `options` waits for the three options and
    /// the prompt that follow a step.
    static func prelude(log: String) -> String {
        """
        set timeout 20
        log_user 0
        log_file -a -noappend {\(log)}
        proc fail {why} {
            puts stderr "FAIL: $why"
            exit 2
        }
        proc want {text} {
            expect {
                -ex $text {}
                timeout { fail "timed out waiting for: $text" }
                eof { fail "the connection closed while waiting for: $text" }
            }
        }
        proc wantRE {pattern} {
            expect {
                -re $pattern {}
                timeout { fail "timed out waiting for /$pattern/" }
                eof { fail "the connection closed while waiting for /$pattern/" }
            }
        }
        proc options {} {
            wantRE {\\n  1\\. [^\\r\\n]+[\\r\\n]+  2\\. [^\\r\\n]+[\\r\\n]+  3\\. [^\\r\\n]+[\\r\\n]+> }
        }

        """
    }

    /// Writes `script` (after `prelude`) to the folder and runs it there.
    static func run(_ name: String, script: String, in folder: URL, environment extra: [String: String] = [:],
                    timeout: Duration = .seconds(60)) async throws -> ExpectRun {
        let logFile = folder.appendingPathComponent("\(name).log")
        let scriptFile = folder.appendingPathComponent("\(name).exp")
        try (prelude(log: logFile.path) + script).write(to: scriptFile, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("\(name).expect-out")
        let err = folder.appendingPathComponent("\(name).expect-err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/expect")
        process.arguments = ["-f", scriptFile.path]
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        // No ~/.telnetrc of the person running the tests.
        environment["HOME"] = folder.path
        environment["TERM"] = "xterm"
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try #require(FileManager.default.isExecutableFile(atPath: "/usr/bin/expect"), "install expect (scripts/install-deps)")
        try process.run()
        try await process.finish(within: timeout, "expect \(name)")
        func read(_ url: URL) -> String {
            // The log may hold bytes that are not UTF-8 (telnet option bytes shown raw).
            String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
        }
        return ExpectRun(status: process.terminationStatus, out: read(out), err: read(err), log: read(logFile))
    }
}
