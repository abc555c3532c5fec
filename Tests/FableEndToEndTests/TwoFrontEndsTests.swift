import FableCore
import FableStorePostgres
import FableStub
import FableTestSupport
import Foundation
import Testing

/// The tests' PostgreSQL server (`FABLE_TEST_POSTGRES_URL`, which scripts/test starts).
private let postgresServerURL = ProcessInfo.processInfo.environment["FABLE_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

/// Two `fable serve` processes on one PostgreSQL database, readers on real sockets, the stub
/// model pacing its replies so steps take time: a login on one front end closes the reader's
/// session on the other, the admin commands see both, and a front end killed with `kill -9` in
/// the middle of steps loses no step a reader saw committed; the reader carries on on the other.
@Suite(.serialized, .enabled(if: postgresServerURL != nil), .timeLimit(.minutes(5)))
struct TwoFrontEndsTests {

    static let story = """
        ---
        title: Tiny
        ---
        A small story for two front ends.
        """

    @Test func readersMoveBetweenFrontEndsAndAKilledFrontEndLosesNoStep() async throws {
        let folder = temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("stories"), withIntermediateDirectories: true)
        try Self.story.write(to: folder.appendingPathComponent("stories/tiny.md"), atomically: true, encoding: .utf8)
        let (url, location) = try await Self.freshDatabase()
        let store = try await PostgresStore.open(location, maxConnections: 2)

        try await StubLLMServer.serving(script: StubStoryteller(passageWords: 60).script(
            chunkSize: 8, chunkDelay: .milliseconds(10))) { stub in
            // A short presence time-out, so the killed front end leaves `@who` within the test.
            let extra = ["--presence-timeout", "3", "--max-generations", "50"]
            let environment = ["FABLE_EMBEDDINGS_URL": "none"]
            let a = try ServerProcess(folder: folder, llmURL: stub.url, database: url, extra: extra, environment: environment)
            let b = try ServerProcess(folder: folder, llmURL: stub.url, database: url, extra: extra, environment: environment)
            defer {
                for server in [a, b] where server.process.isRunning { server.terminate() }
            }
            let portA = try await a.port()
            let portB = try await b.port()

            // Two readers play on A; an admin is on B.
            let ada = try await Self.login("ada", port: portA, create: true)
            try await ada.say("new tiny", expect: "  3. ", timeout: .seconds(30))
            try await ada.say("1", expect: "  3. ", timeout: .seconds(30))
            let bea = try await Self.login("bea", port: portA, create: true)
            try await bea.say("new tiny", expect: "  3. ", timeout: .seconds(30))
            let first = try await Self.login("keeper", port: portB, create: true)
            _ = try await store.setAdmin(name: "keeper", true)
            await first.close()
            let admin = try await Self.login("keeper", port: portB, create: false)

            // `@who` on B lists the readers on A (announced within a second or so) and B's own.
            let who = try await Self.poll(admin, "@who", until: "3 readers connected:")
            // The id `@who` marks them with is the one A printed at its start.
            let idA = try Self.frontEndID(printedBy: a)
            for name in ["ada", "bea"] {
                #expect(who.contains("  \(name) from 127.0.0.1 [front end \(idA)], on "), "\(who)")
            }
            #expect(who.contains("  keeper from 127.0.0.1, on "), "\(who)")

            // `@broadcast` on B reaches a reader on A.
            try await admin.say("@broadcast The tide turns at noon.", expect: "[keeper, to everyone] The tide turns at noon.")
            try await ada.waitFor("[keeper, to everyone] The tide turns at noon.", timeout: .seconds(10))

            // ada logs in on B: her session on A is closed with a message, and B resumes her story.
            let headBefore = CrashSafetyTests.committedNumbers(in: ada.transcript).last
            let adaOnB = try await Self.login("ada", port: portB, create: false)
            try await ada.waitFor("You logged in from somewhere else; this connection is closing.", timeout: .seconds(10))
            try await ada.waitFor("\u{0}CLOSED", timeout: .seconds(10))
            try await adaOnB.waitFor("  3. ", timeout: .seconds(10))
            #expect(CrashSafetyTests.committedNumbers(in: adaOnB.transcript).first == headBefore)
            let moved = try await Self.poll(admin, "@who", until: "  ada from 127.0.0.1, on ")
            #expect(moved.contains("  bea from 127.0.0.1 [front end "), "bea is still on A: \(moved)")

            // `@boot` on B disconnects a reader on A.
            let cai = try await Self.login("cai", port: portA, create: true)
            _ = try await Self.poll(admin, "@who", until: "  cai from 127.0.0.1 [front end ")
            try await admin.say("@boot cai", expect: "cai is disconnected.")
            try await cai.waitFor("An admin has disconnected you.", timeout: .seconds(10))
            try await cai.waitFor("\u{0}CLOSED", timeout: .seconds(10))

            // bea plays on A until A is killed under her (a stub step takes about a second, so
            // the kill most likely falls in the middle of one).
            let playing = Task { await CrashSafetyTests.play(bea, firstTime: false) }
            try await Task.sleep(for: .milliseconds(Int.random(in: 3000...4500)))
            a.kill()
            await playing.value
            let seen = Set(CrashSafetyTests.committedNumbers(in: bea.transcript))
            #expect(seen.count >= 3, "bea played between the start and the kill: \(seen.sorted())")
            await bea.close()

            // Every step bea saw committed is in the database, in one unbroken chain.
            let account = try #require(try await store.account(name: "bea"))
            let world = try #require(try await store.worlds(ownerID: account.id).first)
            let path = try await store.path(to: try #require(world.headStepID))
            let stored = Set(path.compactMap { CrashSafetyTests.stubNumber(of: $0.content.passage) })
            #expect(seen.subtracting(stored).isEmpty, "steps seen committed but lost: \(seen.subtracting(stored).sorted())")
            #expect(path.map(\.depth) == Array(1...path.count), "one unbroken chain")
            #expect(path.allSatisfy { !$0.content.passage.isEmpty && $0.content.options.count == 3 }, "no half-written step")
            let head = path.last.flatMap { CrashSafetyTests.stubNumber(of: $0.content.passage) }

            // bea logs in on B and continues from her last committed step.
            let beaOnB = try await Self.login("bea", port: portB, create: false)
            try await beaOnB.waitFor("  3. ", timeout: .seconds(10))
            #expect(CrashSafetyTests.committedNumbers(in: beaOnB.transcript).first == head)
            try await beaOnB.say("1", expect: "  3. ", timeout: .seconds(30))
            let after = try await store.path(to: try #require(try await store.world(id: world.id)?.headStepID))
            #expect(after.count == path.count + 1 && Array(after.dropLast()).map(\.id) == path.map(\.id),
                    "the next step continues the chain")

            // The killed front end's readers leave `@who` once its heartbeat is older than the time-out.
            let alone = try await Self.poll(admin, "@who", until: "3 readers connected:", timeout: .seconds(15))
            #expect(!alone.contains("[front end "), "\(alone)")

            await admin.close()
            await adaOnB.close()
            await beaOnB.close()
        }
        await store.close()
    }

    /// A database of the test's own on the tests' server, and its URL for `--db`.
    static func freshDatabase() async throws -> (String, PostgresLocation) {
        let server = try #require(postgresServerURL)
        let location = try #require(try PostgresLocation.parse(server))
        let name = "fable_fronts_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await PostgresStore.createDatabase(name, at: location)
        let url = try #require(URL(string: server))
        return (url.deletingLastPathComponent().appendingPathComponent(name).absoluteString, location.with(database: name))
    }

    /// The id in the line "fable: front end ID: readers, …" the server printed.
    static func frontEndID(printedBy server: ServerProcess) throws -> String {
        let text = (try? String(contentsOf: server.out, encoding: .utf8)) ?? ""
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("fable: front end ") }, "\(text)")
        return String(line.dropFirst("fable: front end ".count).prefix { $0 != ":" })
    }

    static func login(_ name: String, port: Int, create: Bool) async throws -> LineClient {
        let client = try await LineClient.connect(port: port)
        try await client.waitFor("Name: ", timeout: .seconds(30))
        try await client.say("\(create ? "create" : "connect") \(name) secret1", expect: "> ", timeout: .seconds(30))
        return client
    }

    /// Sends `command` until its answer contains `text`; returns that answer.
    static func poll(_ client: LineClient, _ command: String, until text: String,
                     timeout: Duration = .seconds(10)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let mark = client.transcript.count
            try await client.say(command, expect: "> ")
            let answer = String(client.transcript.dropFirst(mark))
            if answer.contains(text) { return answer }
            try #require(ContinuousClock.now < deadline, "`\(command)` never said `\(text)`; last: \(answer)")
            try await Task.sleep(for: .milliseconds(300))
        }
    }
}
