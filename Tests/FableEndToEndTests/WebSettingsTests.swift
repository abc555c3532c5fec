import FableTestSupport
import Foundation
import Testing

/// `fable serve`'s web listener settings: on by default (a free port beside `--port 0`), off
/// with `off`, from the environment, and mistakes refused with what is wrong.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WebSettingsTests {
    @Test func theWebClientIsOnByDefaultAndOffWhenAsked() async throws {
        let serve = try await ServeProcess(stories: ["marsh.md": TestStories.marsh])
        let url = try await serve.webURL()
        #expect(url.hasPrefix("http://127.0.0.1:") && url.hasSuffix("/") && !url.contains(":\(serve.port)/"))
        #expect(serve.stop() == 0)

        let off = try await ServeProcess(stories: ["marsh.md": TestStories.marsh], arguments: ["--http-port", "off"])
        try await Task.sleep(for: .milliseconds(300))
        #expect(!off.serverOutput.contains("web client at"), "\(off.serverOutput)")
        #expect(off.stop() == 0)
    }

    @Test func mistakesInTheWebSettingsStopTheServerSayingWhat() async throws {
        let folder = temporaryFolder()
        let cases: [([String], String)] = [
            (["--http-port", "80x"], "the HTTP port must be a number from 0 to 65535, or off"),
            (["--https-port", "0"], "HTTPS (--https-port) uses the TLS listener's certificate"),
            (["--tls-port", "0", "--https-port", "0", "--http-port", "off"], "HTTPS (--https-port) needs the web listener on"),
        ]
        for (arguments, message) in cases {
            let run = try await FableProcess.run(["serve", "--port", "0"] + arguments, in: folder,
                                                 llmURL: "http://127.0.0.1:9/v1", timeout: .seconds(20))
            #expect(run.status != 0, "\(arguments)")
            #expect(run.err.contains(message), "\(arguments): \(run.err)")
        }
    }
}
