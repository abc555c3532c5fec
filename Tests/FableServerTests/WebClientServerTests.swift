import FableCore
@testable import FableServer
import FableTestSupport
import Foundation
import NIOCore
import NIOSSL
import Testing

/// The web client's listener over real sockets: the page over HTTP, and a reader playing over
/// a WebSocket handshake made by hand, against the scripted stub.
@Suite(.timeLimit(.minutes(2))) struct WebClientServerTests {
    private static func withWeb<Result>(configure: @escaping (inout ServerConfiguration) -> Void = { _ in },
                                        _ body: (ServerHarness, Int) async throws -> Result) async throws -> Result {
        try await ServerHarness.with(configure: { configuration in
            configuration.web = WebListenerConfiguration(port: 0)
            configure(&configuration)
        }) { harness in
            let port = try #require(await harness.server.webPort)
            return try await body(harness, port)
        }
    }

    @Test func aReaderPlaysOverAWebSocket() async throws {
        try await Self.withWeb { _, port in
            let client = try await WebSocketClient.connect(port: port)
            var mark = try await client.waitFor("Name: ")
            client.send("create wren secret1")
            mark = try await client.waitFor("> ", after: mark)
            client.send("new marsh")
            try await client.waitForMessage(containing: #""package":"Fable.World""#)
            try await client.waitForMessage(containing: #""package":"Fable.Step""#, timeout: .seconds(20))
            mark = try await client.waitFor("  3. ", after: mark)
            mark = try await client.waitFor("> ", after: mark)
            // The browser wraps: a passage's paragraph is one line.
            let longest = client.transcript.components(separatedBy: "\n").map(\.count).max() ?? 0
            #expect(longest > 100, "the server wrapped the passage:\n\(client.transcript)")
            let step = try #require(client.messages.first { $0.contains("Fable.Step") })
            let body = try #require(try JSONSerialization.jsonObject(with: Data(step.utf8)) as? [String: Any])
            let data = try #require(body["data"] as? [String: Any])
            #expect((data["options"] as? [String])?.count == 3 && data["step"] as? Int == 1)

            client.send("1")
            mark = try await client.waitFor("  3. ", after: mark)
            // Each structured message follows the text it belongs to.
            try await client.waitForMessage(containing: #""package":"Fable.Step""#, count: 2)
            mark = try await client.waitFor("> ", after: mark)
            client.send("memory")
            mark = try await client.waitFor("> ", after: mark)
            client.send("undo")
            mark = try await client.waitFor("> ", after: mark)
            try await client.waitForMessage(containing: #""package":"Fable.Step""#, count: 3)

            client.send("quit")
            try await client.waitFor("Goodbye.", after: mark)
            try await client.waitUntilClosed()
            #expect(client.closeCode == 1000)
        }
    }

    @Test func thePasswordPromptHidesTheEntry() async throws {
        try await Self.withWeb { _, port in
            let client = try await WebSocketClient.connect(port: port)
            try await client.waitFor("Name: ")
            client.send("heron")
            try await client.waitFor("(yes/no)")
            client.send("yes")
            try await client.waitForMessage(containing: #"{"type":"input","hidden":true}"#)
            client.send("secret1")
            client.send("secret1")
            try await client.waitForMessage(containing: #"{"type":"input","hidden":false}"#)
            try await client.waitFor("Welcome, heron.")
            #expect(!client.transcript.contains("secret1"))
        }
    }

    @Test func telnetAndWebConnectionsShareThePerAddressCount() async throws {
        try await Self.withWeb(configure: { $0.connectionsPerAddress = 2 }) { harness, port in
            let telnet = try await harness.connect()
            try await telnet.waitFor("Name: ")
            let web = try await WebSocketClient.connect(port: port)
            try await web.waitFor("Name: ")
            let third = try await WebSocketClient.connect(port: port)
            try await third.waitFor("Too many connections from your address (at most 2)")
            try await third.waitUntilClosed()
            #expect(third.closeCode == 1000)
        }
    }

    @Test func plainHTTPConnectionsAreHeldToAPerAddressLimitOfTheirOwn() async throws {
        try await Self.withWeb(configure: { $0.connectionsPerAddress = 2 }) { _, port in
            var plain: [LineClient] = []
            for _ in 0..<3 { plain.append(try await LineClient.connect(port: port)) }
            // The server accepts them in an order of its own: whichever came third is closed.
            let deadline = ContinuousClock.now + .seconds(5)
            while !plain.contains(where: \.isClosed), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            try await Task.sleep(for: .milliseconds(200))
            let open = plain.filter { !$0.isClosed }
            #expect(open.count == 2)
            await open[0].close()
            try await Task.sleep(for: .milliseconds(200))
            // A reader, once upgraded, is counted with the readers, not here: the page can be
            // fetched beside the one plain connection left.
            let reader = try await WebSocketClient.connect(port: port)
            try await reader.waitFor("Name: ")
            let page = try await LineClient.connect(port: port)
            try await page.sendRaw(Array("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
            try await page.waitFor("</html>")
        }
    }

    @Test func linesOverTheRateLimitAreDropped() async throws {
        try await Self.withWeb(configure: { $0.commandsPerSecond = 1; $0.commandBurst = 2 }) { _, port in
            let client = try await WebSocketClient.connect(port: port)
            try await client.waitFor("Name: ")
            for _ in 0..<5 { client.send("help") }
            try await client.waitFor("(Too fast: at most 1 lines a second.")
        }
    }

    @Test func pingsAreAnswered() async throws {
        try await Self.withWeb { _, port in
            let client = try await WebSocketClient.connect(port: port)
            try await client.waitFor("Name: ")
            client.ping()
            let deadline = ContinuousClock.now + .seconds(5)
            while client.pongs == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(client.pongs == 1)
        }
    }

    @Test func garbageGetsABadRequestAndEveryoneElseIsServed() async throws {
        try await Self.withWeb { _, port in
            let junk = try await LineClient.connect(port: port)
            try await junk.sendRaw([0x16, 0x03, 0x01, 0xFF, 0x00] + Array("\r\n\r\nnot http at all\r\n\r\n".utf8))
            try await junk.waitFor("400 Bad Request")
            let client = try await WebSocketClient.connect(port: port)
            try await client.waitFor("Name: ")
        }
    }

    @Test func thePageIsServedOnTheSamePort() async throws {
        try await Self.withWeb { _, port in
            let client = try await LineClient.connect(port: port)
            try await client.sendRaw(Array("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
            try await client.waitFor("</html>")
            #expect(client.transcript.hasPrefix("HTTP/1.1 200 OK"))
            let other = try await LineClient.connect(port: port)
            try await other.sendRaw(Array("GET /ws HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".utf8))
            try await other.waitFor("404 Not Found")
        }
    }

    @Test func thePageAndItsSocketOverHTTPSUseTheTLSCertificate() async throws {
        let identity = try TLSListenerTests.identity()
        try await Self.withWeb(configure: { configuration in
            configuration.tls = TLSListenerConfiguration(port: 0, identity: identity)
            configuration.web?.securePort = 0
        }) { harness, _ in
            let port = try #require(await harness.server.secureWebPort)
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates(identity.certificateChain)
            let context = try NIOSSLContext(configuration: tls)
            let client = try await WebSocketClient.connect(port: port) { channel in
                try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: "localhost"))
            }
            try await client.waitFor("Name: ")
            client.send("create tess secret1")
            try await client.waitFor("Welcome, tess.")
        }
    }
}
