import FableStore
import FableTestSupport
import Foundation
import NIOCore
import NIOSSL
import Testing

/// `fable serve --tls-port 0` reached as readers reach it: OpenSSL's `s_client`, GnuTLS's
/// `gnutls-cli`, tintin++'s `#ssl` (a MUD client that negotiates telnet inside TLS), and, on the
/// wrong port, inetutils `telnet` and a raw socket. The certificate is the self-signed one the
/// server makes beside its database on the first start and keeps after.
@Suite(.serialized, .timeLimit(.minutes(3))) struct TLSClientTests {
    static let stories = TelnetClientTests.stories

    static func serve(in folder: URL = temporaryFolder(), _ extra: [String] = []) async throws -> ServeProcess {
        try await ServeProcess(stories: stories, in: folder, arguments: ["--tls-port", "0"] + extra)
    }

    /// The fingerprint `fable serve` printed at start.
    static func printedFingerprint(_ serve: ServeProcess) throws -> String {
        let marker = "fable: TLS certificate SHA-256 fingerprint "
        let line = try #require(serve.serverOutput.split(separator: "\n").first { $0.hasPrefix(marker) },
                                "no fingerprint in \(serve.serverOutput)")
        return String(line.dropFirst(marker.count))
    }

    static func shell(_ command: String, in folder: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func require(_ tool: String) throws {
        try #require(FileManager.default.isExecutableFile(atPath: tool), "install \(tool) (scripts/install-deps)")
    }

    // MARK: The certificate

    /// The first start makes the pair beside the database (key 0600) and prints the fingerprint
    /// that OpenSSL computes from the file and from what the server presents; OpenSSL verifies
    /// the server against the file for `localhost`; a restart keeps the same certificate.
    @Test func theSelfSignedCertificateIsMadeOncePrintedAndKept() async throws {
        try Self.require("/usr/bin/openssl")
        let folder = temporaryFolder()
        var serve = try await Self.serve(in: folder)
        let tlsPort = try #require(serve.tlsPort)
        let fingerprint = try Self.printedFingerprint(serve)
        #expect(serve.serverOutput.contains(
            "fable: serving TLS on 127.0.0.1:\(tlsPort) (certificate fable.sqlite.tls-cert.pem, self-signed, made now; key fable.sqlite.tls-key.pem)"),
            "\(serve.serverOutput)")
        #expect(serve.serverLog.contains("listening with TLS") && serve.serverLog.contains(fingerprint),
                "the log has the fingerprint too: \(serve.serverLog)")
        let key = folder.appendingPathComponent("fable.sqlite.tls-key.pem").path
        let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let fromFile = try Self.shell("openssl x509 -noout -fingerprint -sha256 -in fable.sqlite.tls-cert.pem", in: folder)
        #expect(fromFile.output == "sha256 Fingerprint=\(fingerprint)\n")
        let presented = try Self.shell(
            "openssl s_client -connect 127.0.0.1:\(tlsPort) </dev/null 2>/dev/null | openssl x509 -noout -fingerprint -sha256",
            in: folder)
        #expect(presented.output == "sha256 Fingerprint=\(fingerprint)\n", "what a reader's client is shown")
        let verified = try Self.shell(
            "openssl s_client -connect 127.0.0.1:\(tlsPort) -CAfile fable.sqlite.tls-cert.pem -verify_hostname localhost "
                + "-verify_return_error -brief </dev/null 2>&1", in: folder)
        #expect(verified.status == 0 && verified.output.contains("Verification: OK"), "\(verified.output)")
        #expect(serve.stop() == 0)

        serve = try await Self.serve(in: folder)
        #expect(try Self.printedFingerprint(serve) == fingerprint)
        #expect(serve.serverOutput.contains("self-signed, kept from an earlier start"), "\(serve.serverOutput)")
        #expect(serve.stop() == 0)
    }

    @Test func mistakesInTheTLSSettingsStopTheServerSayingWhat() async throws {
        let folder = temporaryFolder()
        let cases: [([String], String)] = [
            (["--tls-port", "0", "--cert", "mine.pem"], "a TLS certificate (--cert) needs its key (--key)"),
            (["--cert", "mine.pem", "--key", "mine.key"], "give it a port (--tls-port)"),
            (["--tls-port", "443x"], "the TLS port must be a number from 0 to 65535, or off"),
            (["--tls-port", "0", "--cert", "mine.pem", "--key", "mine.key"], "cannot read the certificate mine.pem"),
        ]
        for (arguments, message) in cases {
            let run = try await FableProcess.run(["serve", "--port", "0"] + arguments, in: folder,
                                                 llmURL: "http://127.0.0.1:9/v1", timeout: .seconds(20))
            #expect(run.status != 0, "\(arguments)")
            #expect(run.err.contains(message), "\(arguments): \(run.err)")
        }
        // The environment and fable.yaml name it too: the flag first, then the environment, then the file.
        try "tls_port: nope\n".write(to: folder.appendingPathComponent("fable.yaml"), atomically: true, encoding: .utf8)
        let fromFile = try await FableProcess.run(["serve", "--port", "0"], in: folder, llmURL: "http://127.0.0.1:9/v1",
                                                  timeout: .seconds(20))
        #expect(fromFile.status != 0 && fromFile.err.contains("not \"nope\""), "\(fromFile.err)")
        let fromEnvironment = try await FableProcess.run(["serve", "--port", "0"], in: folder, llmURL: "http://127.0.0.1:9/v1",
                                                         environment: ["FABLE_TLS_PORT": "x1"], timeout: .seconds(20))
        #expect(fromEnvironment.status != 0 && fromEnvironment.err.contains("not \"x1\""), "\(fromEnvironment.err)")
        let fromFlag = try await FableProcess.run(["serve", "--port", "0", "--tls-port", "y2"], in: folder,
                                                  llmURL: "http://127.0.0.1:9/v1", environment: ["FABLE_TLS_PORT": "x1"],
                                                  timeout: .seconds(20))
        #expect(fromFlag.status != 0 && fromFlag.err.contains("not \"y2\""), "\(fromFlag.err)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("fable.sqlite.tls-cert.pem").path),
                "no certificate is made without a TLS listener")
    }

    // MARK: Real clients

    @Test func opensslSClientLogsInAndPlays() async throws {
        try Self.require("/usr/bin/openssl")
        let serve = try await Self.serve()
        defer { serve.stop() }
        let tlsPort = try #require(serve.tlsPort)
        let run = try await ExpectRun.run("s_client", script: """
            spawn openssl s_client -connect 127.0.0.1:\(tlsPort) -quiet
            want "Name: "
            send "create ann Tr0ub4dor-x9\\r"
            want "Welcome, ann."
            want "> "
            send "new tiny\\r"
            options
            send "2\\r"
            options
            send "quit\\r"
            want "Goodbye."
            expect eof
            exit [lindex [wait] 3]

            """, in: serve.folder)
        #expect(run.status == 0, "\(run.err)\n\(TelnetClientTests.tail(run.log))\n\(serve.serverLog)")
        let shown = TelnetClientTests.clean(run.log)
        #expect(TelnetClientTests.optionBlocks(in: shown).count == 2)
        let store = try SQLiteStore(path: serve.databasePath)
        let account = try #require(try await store.account(name: "ann"))
        let world = try #require(try await store.worlds(ownerID: account.id).first)
        #expect(try await store.stepCount(worldID: world.id) == 2)
    }

    @Test func gnutlsCliLogsIn() async throws {
        try Self.require("/usr/bin/gnutls-cli")
        let serve = try await Self.serve()
        defer { serve.stop() }
        let tlsPort = try #require(serve.tlsPort)
        let run = try await ExpectRun.run("gnutls-cli", script: """
            spawn gnutls-cli --insecure -p \(tlsPort) 127.0.0.1
            want "Name: "
            send "create bo hunter22-tls\\r"
            want "Welcome, bo."
            want "> "
            send "who\\r"
            want "bo"
            want "> "
            send "quit\\r"
            want "Goodbye."
            expect eof
            exit [lindex [wait] 3]

            """, in: serve.folder)
        #expect(run.status == 0, "\(run.err)\n\(TelnetClientTests.tail(run.log))\n\(serve.serverLog)")
        #expect(run.log.contains("Handshake was completed"), "\(TelnetClientTests.tail(run.log))")
        // Without --insecure, trusting the server's certificate file: GnuTLS verifies it for localhost.
        let verified = try Self.shell("gnutls-cli --x509cafile fable.sqlite.tls-cert.pem -p \(tlsPort) localhost </dev/null",
                                      in: serve.folder)
        #expect(verified.output.contains("- Status: The certificate is trusted."), "\(verified.output)")
        #expect(verified.output.contains("- Handshake was completed"), "\(verified.output)")
    }

    /// tintin++, a MUD client, with `#ssl`: it keeps the certificate it is shown the first time,
    /// and negotiates telnet inside TLS, so the password prompts hide what is typed as they do for
    /// telnet on the plain port.
    @Test func tintinSSLLogsInWithTheTelnetHandshakeInsideTLS() async throws {
        let tintin = "/usr/games/tt++"
        try Self.require(tintin)
        let serve = try await Self.serve()
        defer { serve.stop() }
        let tlsPort = try #require(serve.tlsPort)
        let password = "Tr0ub4dor-tt"
        let run = try await ExpectRun.run("tintin", script: """
            spawn \(tintin) -G
            stty rows 40 columns 100 < $spawn_out(slave,name)
            # tintin++ sets up its terminal before it reads what is typed: on a busy machine,
            # keys sent at once were lost. Its window title shows once that is done.
            want "TinTin++"
            sleep 1
            # A key at a time, as a person types: a burst of keys on a busy machine once ended
            # tintin++ before it connected.
            set send_slow {1 0.03}
            send -s "#ssl fable 127.0.0.1 \(tlsPort)\r"
            want "#SESSION 'fable' CONNECTED"
            want "Name: "
            send "dot\r"
            want "(yes/no) "
            send "yes\r"
            want "Choose a password (6 characters or more): "
            send "\(password)\r"
            want "The same password again: "
            send "\(password)\r"
            want "Welcome, dot."
            want "> "
            send "quit\r"
            want "Goodbye."
            want "#SESSION 'fable' DIED."
            send "#end\r"
            expect eof
            exit [lindex [wait] 3]

            """, in: serve.folder)
        #expect(run.status == 0, "\(run.err)\n\(TelnetClientTests.tail(run.log))\n\(serve.serverLog)")
        let shown = TelnetClientTests.clean(run.log)
        #expect(shown.contains("#SSL: THIS IS THE FIRST TIME YOU CONNECT TO THIS SERVER."), "\(TelnetClientTests.tail(run.log))")
        #expect(!shown.contains(password), "the server hid the password prompts' input through TLS:\n\(shown)")
        let store = try SQLiteStore(path: serve.databasePath)
        #expect(try await store.account(name: "dot") != nil)
    }

    // MARK: The wrong client on the TLS port

    /// inetutils telnet on the TLS port: what a reader who mixed up the ports sees. Then a raw
    /// socket sending a login line; then the server still serves TLS readers.
    @Test func aPlainClientOnTheTLSPortReadsWhyAndTheServerGoesOn() async throws {
        try Self.require("/usr/bin/openssl")
        let serve = try await Self.serve()
        defer { serve.stop() }
        let tlsPort = try #require(serve.tlsPort)
        let telnet = try await ExpectRun.run("telnet-on-tls", script: """
            spawn telnet 127.0.0.1 \(tlsPort)
            want "Escape character is"
            send "connect ann secret\\r"
            want "This port speaks telnet over TLS"
            want "Connection closed by foreign host."
            expect eof
            exit [lindex [wait] 3]

            """, in: serve.folder)
        #expect(telnet.status == 0, "\(telnet.err)\n\(TelnetClientTests.tail(telnet.log))\n\(serve.serverLog)")
        #expect(TelnetClientTests.clean(telnet.log).contains(
            "This port speaks telnet over TLS: connect with a TLS client (your MUD client's SSL option, gnutls-cli, "
                + "openssl s_client), or with plain telnet to port \(serve.port).\n"), "\(TelnetClientTests.tail(telnet.log))")

        let raw = try await LineClient.connect(port: tlsPort)
        try await raw.send("connect x y")
        try await raw.waitFor("This port speaks telnet over TLS")
        try await raw.waitFor("\u{0}CLOSED", timeout: .seconds(5))
        #expect(serve.serverLog.contains("refused a connection to the TLS port that did not speak TLS"), "\(serve.serverLog)")

        let after = try await ExpectRun.run("s_client-after", script: """
            spawn openssl s_client -connect 127.0.0.1:\(tlsPort) -quiet
            want "Name: "
            send "create cy secret12\\r"
            want "Welcome, cy."
            send "quit\\r"
            want "Goodbye."
            expect eof
            exit [lindex [wait] 3]

            """, in: serve.folder)
        #expect(after.status == 0, "\(after.err)\n\(TelnetClientTests.tail(after.log))\n\(serve.serverLog)")
        #expect(serve.stop() == 0, "a clean shutdown after it all: \(serve.serverLog)")
    }
}
