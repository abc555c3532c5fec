import FableStub
import FableTestSupport
import Foundation
import Synchronization
import Testing

/// Attacks on a running server while a well-behaved reader keeps using it: the limits hold,
/// and that reader's command round trip stays short. Prints each attack's p50/p99 beside the
/// same figure without an attack (docs/reliability.md).
@Suite(.serialized, .timeLimit(.minutes(6))) struct AbuseTests {
    typealias Attack = @Sendable (_ port: Int) async throws -> Void

    @Test func limitsHoldAndAWellBehavedReaderStaysResponsive() async throws {
        // The server runs in its own process, as in production, so the attackers' work in this
        // process never slows it down.
        let folder = temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("stories"), withIntermediateDirectories: true)
        let server = try ServerProcess(folder: folder, llmURL: "http://127.0.0.1:9/v1", database: "abuse.sqlite",
                                       extra: ["--connections-per-address", "40", "--login-timeout", "3"])
        defer { server.terminate() }
        let port = try await server.port()
        let calm = try await Self.loggedIn(port: port, name: "calm")
        var rows: [(String, [Double])] = [("no attack", try await Self.roundTrips(calm))]

        let attacks: [(String, Int, Attack)] = [
            ("1 MB lines", 2, { port in
                let client = try await Self.loggedIn(port: port)
                let line = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20) + [13, 10]
                for _ in 0..<6 { try await client.sendRaw(line) }
                try await client.waitFor("longer than 2048 bytes", timeout: .seconds(30))
                await client.close()
            }),
            ("binary garbage", 2, { port in
                let client = try await LineClient.connect(port: port)
                for _ in 0..<40 where !client.isClosed { try await client.sendRaw(Self.garbage) }
                try await Task.sleep(for: .seconds(1))
                await client.close()
            }),
            ("a flood of lines", 1, { port in
                let client = try await Self.loggedIn(port: port)
                for _ in 0..<400 where !client.isClosed { try await client.send("who") }
                try await client.waitFor("Too much input; goodbye.", timeout: .seconds(30))
                await client.close()
            }),
            ("IAC flood", 2, { port in
                let client = try await LineClient.connect(port: port)
                let pattern: [UInt8] = [255, 241, 255, 253, 3, 255, 254, 3, 255, 251, 24, 255, 252, 24]
                let chunk = [UInt8]((0..<4_000).flatMap { _ in pattern })
                for _ in 0..<40 { try await client.sendRaw(chunk) }
                try await Task.sleep(for: .seconds(1))
                await client.close()
            }),
            ("endless subnegotiation", 2, { port in
                let client = try await LineClient.connect(port: port)
                try await client.sendRaw([255, 250, 24])
                for _ in 0..<100 { try await client.sendRaw([UInt8](repeating: 65, count: 32_768)) }
                try await Task.sleep(for: .seconds(1))
                await client.close()
            }),
            ("slowloris", 4, { port in
                let client = try await LineClient.connect(port: port)
                for _ in 0..<12 where !client.isClosed {
                    try await client.sendRaw([UInt8(ascii: "x")])
                    try await Task.sleep(for: .seconds(1))
                }
                try await client.waitFor("No login for 3 seconds; goodbye.", timeout: .seconds(15))
                // The server closes the connection itself: the place it held is free again.
                try await client.waitFor("\u{0}CLOSED", timeout: .seconds(5))
                await client.close()
            }),
            ("1,000 connections", 1, { port in
                let held = Held()
                let started = ContinuousClock.now
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<20 {
                        group.addTask {
                            for _ in 0..<50 {
                                guard let client = try? await LineClient.connect(port: port) else { continue }
                                held.add(client)
                                _ = try? await client.waitFor("Too many connections", timeout: .milliseconds(300))
                            }
                        }
                    }
                }
                let took = ContinuousClock.now - started
                // Every connection is answered, refused with the reason or asked for a name;
                // the answers may be slow to arrive on a loaded machine.
                func answered(_ client: LineClient) -> (refused: Bool, admitted: Bool) {
                    (client.transcript.contains("Too many connections"), client.transcript.contains("Name: "))
                }
                for _ in 0..<150 where held.all.contains(where: { answered($0) == (false, false) }) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                let answers = held.all.map(answered)
                for client in held.all { await client.close() }
                let refused = answers.filter(\.refused).count
                let admitted = answers.filter(\.admitted).count
                print("abuse: 1,000 connections: \(refused) refused, \(admitted) admitted, connecting took \(took)")
                #expect(refused + admitted == answers.count && !answers.contains { $0 == (true, true) },
                        "each connection told one thing: \(refused) refused, \(admitted) admitted of \(answers.count)")
                // At most 40 at once. The login timeout (3 s) closes an admitted connection, so
                // when the loop outlasts it on a slow machine, each 3 s may admit 40 more
                // (a fixed count of 40 failed there: 943 and 926 refusals of 960).
                let waves = 1 + Int(took / .seconds(3))
                #expect(admitted <= 40 * waves, "the per-address limit (40) held: \(admitted) admitted in \(took)")
            }),
            ("password guessing", 2, { port in
                let client = try await LineClient.connect(port: port)
                try await client.waitFor("Name: ")
                for guess in 0..<12 { try await client.send("connect calm guess\(guess)") }
                try await client.waitFor("Too many failed logins", timeout: .seconds(10))
                await client.close()
            }),
        ]
        for (name, attackers, attack) in attacks {
            let running = (0..<attackers).map { _ in Task { try await attack(port) } }
            let samples = try await Self.roundTrips(calm)
            for task in running { try await task.value }
            rows.append((name, samples))
        }
        print("abuse: the calm reader's `who` round trip, ms (p50 / p99 / max):")
        for (name, samples) in rows {
            let sorted = samples.sorted()
            print("  \(name): \(Self.format(sorted[sorted.count / 2])) / \(Self.format(Self.percentile(sorted, 0.99))) / \(Self.format(sorted.last!))")
        }
        // Responsive = every command answered within `roundTrips`' generous wait (it throws
        // otherwise); the figures are printed, not asserted: this machine is shared and noisy.
        // The attackers share the calm reader's address, yet no limit that stopped them
        // reached it: each is counted per connection (or per name, for logins).
        for notice in ["Too fast", "Too much input", "Too many", "longer than 2048 bytes", "No login"] {
            #expect(!calm.transcript.contains(notice), "the calm reader was told \(notice.debugDescription)")
        }
        #expect(!calm.isClosed)
        await calm.close()
    }

    static func loggedIn(port: Int, name: String = "mallory\(UInt32.random(in: 0...UInt32.max))") async throws -> LineClient {
        let client = try await LineClient.connect(port: port)
        try await client.waitFor("Name: ", timeout: .seconds(10))
        try await client.say("create \(name) secret1", expect: "> ")
        return client
    }

    /// 64 KiB of random bytes, made once.
    static let garbage: [UInt8] = {
        var generator = SystemRandomNumberGenerator()
        return (0..<8_192).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
    }()

    /// 16 `who` commands, paced under the rate limit; milliseconds each.
    static func roundTrips(_ client: LineClient) async throws -> [Double] {
        var samples: [Double] = []
        for _ in 0..<16 {
            let start = ContinuousClock.now
            try await client.say("who", expect: "here:", timeout: .seconds(20))
            let elapsed = ContinuousClock.now - start
            samples.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)
            try await Task.sleep(for: .milliseconds(300))
        }
        return samples
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}

final class Held: Sendable {
    private let storage = Mutex<[LineClient]>([])
    func add(_ client: LineClient) { storage.withLock { $0.append(client) } }
    var all: [LineClient] { storage.withLock { $0 } }
}
