import FableTestSupport
import Foundation
import Testing

/// What an idle reader costs the server over the web client's WebSocket beside plain telnet:
/// `fable serve`'s resident memory before and after N readers log in and sit idle, a server of
/// its own for each kind (`TLSMemoryTests` measures the same for TLS). `FABLE_WEB_IDLE_READERS`
/// sets N (default 200).
@Suite(.serialized, .timeLimit(.minutes(5))) struct WebSocketMemoryTests {
    @Test func anIdleWebSocketReaderCostsAboutWhatATelnetOneDoes() async throws {
        let count = ProcessInfo.processInfo.environment["FABLE_WEB_IDLE_READERS"].flatMap { Int($0) } ?? 200
        let plain = try await TLSMemoryTests.idleCost(readers: count, tls: false)
        let web = try await Self.idleCost(readers: count)
        let line = String(format: "idle readers: %d telnet %.1f KiB each, WebSocket %.1f KiB each (%.1f KiB more)",
                          count, plain, web, web - plain)
        print(line)
        #expect(plain > 0 && web > 0, "\(line)")
        // Loose bounds: a debug build and 200 readers measure a few KiB either way (the release
        // figures, 5,000 readers, are in docs/benchmarks.md); a buffer kept per connection would
        // show as tens of KiB.
        #expect(web < 32, "an idle WebSocket reader stays under 32 KiB: \(line)")
        #expect(web < plain + 16, "the WebSocket's handlers add a few KiB at most: \(line)")
    }

    /// KiB of the server's resident memory per idle logged-in WebSocket reader.
    static func idleCost(readers: Int) async throws -> Double {
        let serve = try await ServeProcess(stories: TelnetClientTests.stories,
                                           arguments: ["--connections-per-address", "\(readers + 20)"])
        defer { serve.stop() }
        let url = try await serve.webURL()
        let port = try #require(Int(url.split(separator: ":").last?.prefix { $0.isNumber } ?? ""))
        @Sendable func connect(_ name: String) async throws -> WebSocketClient {
            let client = try await WebSocketClient.connect(port: port)
            let mark = try await client.waitFor("Name: ", timeout: .seconds(30))
            client.send("create \(name) secret1")
            try await client.waitFor("> ", after: mark, timeout: .seconds(30))
            return client
        }
        func connectAll(_ names: [String]) async throws -> [WebSocketClient] {
            var clients: [WebSocketClient] = []
            for start in stride(from: 0, to: names.count, by: 100) {
                try await withThrowingTaskGroup(of: WebSocketClient.self) { group in
                    for name in names[start..<min(start + 100, names.count)] {
                        group.addTask { try await connect(name) }
                    }
                    for try await client in group { clients.append(client) }
                }
            }
            return clients
        }
        // Warm up: the code paths and the session's first allocations.
        for client in try await connectAll((0..<20).map { "warm\($0)" }) { client.close() }
        try await Task.sleep(for: .seconds(1))
        let before = try TLSMemoryTests.rssKiB(serve.serverPID)
        let clients = try await connectAll((0..<readers).map { "r\($0)" })
        try await Task.sleep(for: .seconds(2))
        let after = try TLSMemoryTests.rssKiB(serve.serverPID)
        for client in clients { client.close() }
        return Double(after - before) / Double(readers)
    }
}
