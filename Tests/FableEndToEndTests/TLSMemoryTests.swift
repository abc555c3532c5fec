import FableTestSupport
import Foundation
import NIOCore
import NIOSSL
import Testing

/// What an idle reader costs the server over TLS beside plain telnet: `fable serve`'s resident
/// memory (VmRSS) before and after N readers log in and sit idle, in a server of its own for
/// each kind, so one kind's freed memory is not reused by the other. The clients run in this
/// process; only the server's memory is read. `FABLE_TLS_IDLE_READERS` sets N (default 200).
@Suite(.serialized, .timeLimit(.minutes(5))) struct TLSMemoryTests {
    @Test func anIdleTLSReaderCostsTheServerABoundedAmountMoreThanAPlainOne() async throws {
        let count = ProcessInfo.processInfo.environment["FABLE_TLS_IDLE_READERS"].flatMap { Int($0) } ?? 200
        let plain = try await Self.idleCost(readers: count, tls: false)
        let secure = try await Self.idleCost(readers: count, tls: true)
        let line = String(format: "idle readers: %d plain %.1f KiB each, TLS %.1f KiB each (%.1f KiB more)",
                          count, plain, secure, secure - plain)
        print(line)
        try line.write(to: ScratchFolder.make("fable-tls-memory").appendingPathComponent("figures.txt"),
                       atomically: true, encoding: .utf8)
        #expect(plain > 0 && plain < 20, "a plain idle reader stays under 20 KiB (docs/benchmarks.md): \(line)")
        #expect(secure < 64, "an idle TLS reader stays under 64 KiB: \(line)")
    }

    /// KiB of the server's resident memory per idle logged-in reader.
    static func idleCost(readers: Int, tls: Bool) async throws -> Double {
        let serve = try await ServeProcess(stories: TelnetClientTests.stories,
                                           arguments: ["--tls-port", "0", "--connections-per-address", "\(readers + 20)"])
        defer { serve.stop() }
        let port = try #require(tls ? serve.tlsPort : serve.port)
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let context = try NIOSSLContext(configuration: configuration)
        @Sendable func connect(_ name: String) async throws -> LineClient {
            let client = try await LineClient.connect(port: port) { channel in
                if tls {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                }
            }
            try await client.waitFor("Name: ", timeout: .seconds(30))
            try await client.say("create \(name) secret1", expect: "> ", timeout: .seconds(30))
            return client
        }
        // A raw client's prompt waits out the server's 2 s telnet handshake: readers connect
        // in batches, at once.
        func connectAll(_ names: [String]) async throws -> [LineClient] {
            var clients: [LineClient] = []
            for start in stride(from: 0, to: names.count, by: 100) {
                try await withThrowingTaskGroup(of: LineClient.self) { group in
                    for name in names[start..<min(start + 100, names.count)] {
                        group.addTask { try await connect(name) }
                    }
                    for try await client in group { clients.append(client) }
                }
            }
            return clients
        }
        // Warm up: the code paths, the session's first allocations, TLS's tables.
        for client in try await connectAll((0..<20).map { "warm\($0)" }) { await client.close() }
        try await Task.sleep(for: .seconds(1))
        let before = try rssKiB(serve.serverPID)
        let clients = try await connectAll((0..<readers).map { "r\($0)" })
        try await Task.sleep(for: .seconds(2))
        let after = try rssKiB(serve.serverPID)
        for client in clients { await client.close() }
        return Double(after - before) / Double(readers)
    }

    static func rssKiB(_ pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        return try #require(Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" })[1]))
    }
}
