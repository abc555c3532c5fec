import FableTestSupport
import Foundation
import Testing

/// The web client in a real browser: headless Chromium (Debian's) driven by Selenium plays
/// `fable serve`'s page against `fable stub`, paced so a passage takes a few seconds to stream
/// (Tests/Browser/play_in_browser.py says what it checks). scripts/test installs both and sets
/// FABLE_SELENIUM_PATH.
@Suite(.serialized, .timeLimit(.minutes(3)),
       .enabled(if: ProcessInfo.processInfo.environment["FABLE_SELENIUM_PATH"] != nil,
                "scripts/test installs Selenium and sets FABLE_SELENIUM_PATH"))
struct WebBrowserTests {

    static var script: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Browser/play_in_browser.py").standardizedFileURL
    }

    @Test func aReaderPlaysInChromium() async throws {
        let serve = try await ServeProcess(stories: ["marsh.md": TestStories.marsh],
                                           stubArguments: ["--chunk-delay-ms", "40"])
        defer { serve.stop() }
        let url = try await serve.webURL()
        // FABLE_WEB_SCREENSHOT=docs/web-client.png keeps a picture of the page mid-story.
        let screenshot = ProcessInfo.processInfo.environment["FABLE_WEB_SCREENSHOT"]
        let run = try await Self.python([Self.script.path, url] + (screenshot.map { ["--screenshot", $0] } ?? []),
                                        in: serve.folder)
        #expect(run.status == 0, "the browser test failed:\n\(run.err)\n\(run.out)\nserver log:\n\(serve.serverLog)")
        #expect(run.out.contains("ok: the passage was seen part-written"))
    }

    struct Run {
        var status: Int32
        var out: String
        var err: String
    }

    static func python(_ arguments: [String], in folder: URL, timeout: Duration = .seconds(150)) async throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = environment["FABLE_SELENIUM_PATH"]
        environment["PYTHONDONTWRITEBYTECODE"] = "1"
        process.environment = environment
        let out = folder.appendingPathComponent("browser.out")
        let err = folder.appendingPathComponent("browser.err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try await process.finish(within: timeout, "the browser test")
        func read(_ url: URL) -> String { String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
        return Run(status: process.terminationStatus, out: read(out), err: read(err))
    }
}
