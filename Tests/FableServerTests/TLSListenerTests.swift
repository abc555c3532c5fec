import FableServer
import FableTestSupport
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing

/// The TLS listener over real sockets: the same readers, sessions and limits as the plain port,
/// behind TLS; a client that does not speak TLS is told so in plain text and closed, and the
/// server goes on serving everyone else.
@Suite(.serialized) struct TLSListenerTests {
    /// One self-signed identity for the suite: making a key pair is quick, but no test is about it.
    static let made = Result {
        try TLSIdentity.selfSigned(beside: ScratchFolder.make("fable-tls-listener").appendingPathComponent("fable.sqlite").path,
                                   commonName: "fable-test")
    }

    static func identity() throws -> TLSIdentity { try made.get() }

    /// A harness whose server also listens with TLS on a free port.
    static func withTLS<Result>(silence: Duration = .seconds(5),
                                configure: @escaping (inout ServerConfiguration) -> Void = { _ in },
                                _ body: (ServerHarness, Int) async throws -> Result) async throws -> Result {
        let identity = try identity()
        return try await ServerHarness.with(configure: { configuration in
            var listener = TLSListenerConfiguration(port: 0, identity: identity)
            listener.silenceBeforeRefusal = silence
            configuration.tls = listener
            configure(&configuration)
        }) { harness in
            let port = try #require(await harness.server.tlsPort)
            #expect(port != harness.port)
            return try await body(harness, port)
        }
    }

    /// A client that trusts the suite's certificate (and checks it is valid for localhost).
    static func connectTLS(port: Int, trusting roots: NIOSSLTrustRoots? = nil) async throws -> LineClient {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = try roots ?? .certificates(identity().certificateChain)
        let context = try NIOSSLContext(configuration: configuration)
        return try await LineClient.connect(port: port) { channel in
            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: "localhost"))
        }
    }

    static func loginTLS(_ name: String, port: Int) async throws -> LineClient {
        let client = try await connectTLS(port: port)
        try await client.waitFor("Name: ")
        try await client.say("create \(name) secret1", expect: "> ")
        return client
    }

    @Test func aReaderOverTLSLogsInAndPlaysLikeAnyOther() async throws {
        try await Self.withTLS { harness, port in
            let secure = try await Self.connectTLS(port: port)
            try await secure.waitFor("Name: ")
            try await secure.say("create tess secret1", expect: "Welcome, tess.")
            try await secure.say("new marsh", expect: "  3. ")
            try await secure.say("2", expect: "  3. ")
            let plain = try await harness.login("pim")
            try await plain.say("who", expect: "tess")
            let account = try #require(try await harness.store.account(name: "tess"))
            let world = try #require(try await harness.store.worlds(ownerID: account.id).first)
            #expect(try await harness.store.stepCount(worldID: world.id) == 2)
            try await secure.say("quit", expect: "Goodbye.")
            try await secure.waitFor("\u{0}CLOSED")
            await plain.close()
        }
    }

    /// The safety property: a plain client on the TLS port (telnet, nc, a script) gets a line of
    /// plain text saying what the port is, is closed, and costs nobody else anything. Nothing it
    /// sent reaches the login.
    @Test func aPlainClientOnTheTLSPortIsToldAndClosedAndEveryoneElseGoesOn() async throws {
        try await Self.withTLS { harness, port in
            let secure = try await Self.loginTLS("una", port: port)
            let plain = try await harness.login("vic")

            let stray = try await LineClient.connect(port: port)
            try await stray.send("connect x y")
            try await stray.waitFor(PlaintextRefusalText.line(plainPort: harness.port))
            try await stray.waitFor("\u{0}CLOSED", timeout: .seconds(5))
            #expect(!stray.transcript.contains("Name: "), "nothing of the session reached a plain client")
            #expect(try await harness.store.account(name: "x") == nil)

            // Others are still served, on both ports, and new readers still come in on both.
            try await secure.say("help", expect: "> ")
            try await plain.say("who", expect: "una")
            let next = try await Self.loginTLS("wes", port: port)
            let nextPlain = try await harness.login("xan")
            try await next.say("who", expect: "xan")
            for client in [secure, plain, next, nextPlain] { await client.close() }
        }
    }

    @Test func aClientThatSaysNothingIsToldAfterTheSilence() async throws {
        try await Self.withTLS(silence: .milliseconds(300)) { harness, port in
            let silent = try await LineClient.connect(port: port)
            try await silent.waitFor("This port speaks telnet over TLS", timeout: .seconds(5))
            try await silent.waitFor("\u{0}CLOSED", timeout: .seconds(5))
            // A TLS client is not held to the silence once it has spoken.
            let secure = try await Self.connectTLS(port: port)
            try await secure.waitFor("Name: ")
            try await Task.sleep(for: .milliseconds(600))
            try await secure.say("create yul secret1", expect: "Welcome, yul.")
            await secure.close()
        }
    }

    /// A TLS client that refuses the certificate, and one that hangs up mid-handshake, end only
    /// their own connections.
    @Test func failedHandshakesEndOnlyTheirOwnConnections() async throws {
        try await Self.withTLS { harness, port in
            let secure = try await Self.loginTLS("zed", port: port)
            // Trusts only an unrelated certificate: it aborts the handshake with an alert.
            let other = try TLSIdentity.selfSigned(beside: ScratchFolder.make("fable-tls-other")
                .appendingPathComponent("x.sqlite").path, commonName: "other")
            let doubting = try await Self.connectTLS(port: port, trusting: .certificates(other.certificateChain))
            try await doubting.waitFor("\u{0}CLOSED", timeout: .seconds(5))
            #expect(!doubting.transcript.contains("Name: "))
            // A handshake record, then nothing: closed by the client itself.
            let cut = try await LineClient.connect(port: port)
            try await cut.sendRaw([22, 3, 1, 0, 200, 1, 0, 0])
            try await Task.sleep(for: .milliseconds(100))
            await cut.close()
            try await secure.say("help", expect: "> ")
            let again = try await Self.loginTLS("ama", port: port)
            await again.close()
            await secure.close()
            try await Self.waitForConnections(0, harness)
        }
    }

    /// The per-address limit counts both ports' connections together, and its refusal reaches a
    /// TLS client readable, through TLS.
    @Test func bothPortsShareThePerAddressLimit() async throws {
        try await Self.withTLS(configure: { $0.connectionsPerAddress = 2 }) { harness, port in
            let plain = try await harness.connect()
            try await plain.waitFor("Name: ")
            let secure = try await Self.connectTLS(port: port)
            try await secure.waitFor("Name: ")
            let thirdSecure = try await Self.connectTLS(port: port)
            try await thirdSecure.waitFor("Too many connections from your address")
            try await thirdSecure.waitFor("\u{0}CLOSED")
            let thirdPlain = try await harness.connect()
            try await thirdPlain.waitFor("Too many connections from your address")
            await secure.close()
            await plain.close()
            await thirdPlain.close()
            try await Self.waitForConnections(0, harness)
        }
    }

    /// Shutdown tells TLS readers too, closes them, and stops both listeners.
    @Test func shutdownClosesBothListenersAndEveryReader() async throws {
        try await Self.withTLS { harness, port in
            let secure = try await Self.loginTLS("bea", port: port)
            let plain = try await harness.login("cal")
            await harness.server.shutdown(grace: .milliseconds(100))
            for client in [secure, plain] {
                try await client.waitFor("The server is shutting down")
                try await client.waitFor("\u{0}CLOSED")
            }
            for closedPort in [port, harness.port] {
                await #expect(throws: (any Error).self, "nothing listens on \(closedPort) after shutdown") {
                    let late = try await LineClient.connect(port: closedPort)
                    await late.close()
                }
            }
        }
    }

    static func waitForConnections(_ count: Int, _ harness: ServerHarness) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while await harness.server.openConnections != count {
            guard ContinuousClock.now < deadline else {
                Issue.record("still \(await harness.server.openConnections) connections open, not \(count)")
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

/// What the server writes to a plain client on its TLS port, as a reader would read it.
enum PlaintextRefusalText {
    static func line(plainPort: Int) -> String {
        "This port speaks telnet over TLS: connect with a TLS client (your MUD client's SSL option, "
            + "gnutls-cli, openssl s_client), or with plain telnet to port \(plainPort).\n"
    }
}
