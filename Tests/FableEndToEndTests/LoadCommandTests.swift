import FableStore
import Foundation
import Testing

/// `fable load`, the benchmark's load generator, against a real server: its readers play, it
/// reports what they did, and every step it counts is in the database.
@Suite(.serialized, .timeLimit(.minutes(3))) struct LoadCommandTests {
    @Test func readersStartedOverARampPlayTheirTurnsAndEveryStepIsKept() async throws {
        let story = try String(contentsOfFile: storyPath, encoding: .utf8)
        let server = try await ServeProcess(stories: ["lighthouse.md": story])
        defer { server.stop() }

        let result = try await FableProcess.run(
            ["load", "--port", "\(server.port)", "--connections", "6", "--active", "3", "--turns", "2",
             "--ramp", "1", "--duration", "60", "--no-stub", "--name-prefix", "load"],
            in: server.folder, llmURL: server.stubURL, timeout: .seconds(120))
        #expect(result.status == 0, "\(result.out)\n\(result.err)\n\(server.serverLog)")
        #expect(result.out.contains("- connections: 6 opened, 6 logged in, 6 held at the end"), "\(result.out)")
        #expect(result.out.contains("- steps: 3 openings + 6 turns"), "\(result.out)")
        #expect(result.out.contains("- ramp: active readers started over 1.0 s"), "\(result.out)")
        #expect(result.out.contains("- errors: 0"), "\(result.out)")
        // The report names its machine: cores, the processor /proc/cpuinfo names, the load.
        #expect(result.out.contains("\nmachine: \(ProcessInfo.processInfo.activeProcessorCount) cores"), "\(result.out)")
        #expect(result.out.contains(", load average "), "\(result.out)")
        if let cpuInfo = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let nameLine = cpuInfo.split(separator: "\n").first(where: { $0.hasPrefix("model name") }) {
            let name = nameLine.split(separator: ":", maxSplits: 1).last!.trimmingCharacters(in: .whitespaces)
            #expect(result.out.contains(" cores, \(name) (family "), "\(result.out)")
        }

        server.stop()
        // Readers load0…load2 played (an opening and two turns each), load3…load5 only logged in.
        let store = try SQLiteStore(path: server.databasePath)
        for number in 0..<6 {
            let account = try #require(try await store.account(name: "load\(number)"))
            let worlds = try await store.worlds(ownerID: account.id)
            #expect(worlds.count == (number < 3 ? 1 : 0), "load\(number)")
            for world in worlds { #expect(try await store.stepCount(worldID: world.id) == 3, "load\(number)") }
        }
    }

    @Test func readersOverTheWebSocketPlayLikeTelnetOnes() async throws {
        let story = try String(contentsOfFile: storyPath, encoding: .utf8)
        let server = try await ServeProcess(stories: ["lighthouse.md": story])
        defer { server.stop() }
        let url = try await server.webURL()
        let webPort = try #require(Int(url.split(separator: ":").last?.prefix { $0.isNumber } ?? ""))

        let result = try await FableProcess.run(
            ["load", "--websocket", "--port", "\(webPort)", "--connections", "4", "--active", "2", "--turns", "2",
             "--duration", "60", "--no-stub", "--name-prefix", "web"],
            in: server.folder, llmURL: server.stubURL, timeout: .seconds(120))
        #expect(result.status == 0, "\(result.out)\n\(result.err)\n\(server.serverLog)")
        #expect(result.out.contains("## fable load: 4 connections, 2 active, over WebSocket"), "\(result.out)")
        #expect(result.out.contains("- connections: 4 opened, 4 logged in, 4 held at the end"), "\(result.out)")
        #expect(result.out.contains("- steps: 2 openings + 4 turns"), "\(result.out)")
        #expect(result.out.contains("- errors: 0"), "\(result.out)")
    }

    @Test func aRampAsLongAsTheRunIsRefused() async throws {
        let result = try await FableProcess.run(["load", "--active", "1", "--ramp", "30", "--duration", "30"],
                                                in: temporaryFolder(), llmURL: "http://127.0.0.1:9/v1")
        #expect(result.status != 0)
        #expect(result.err.contains("--ramp must be at least 0 and shorter than --duration"), "\(result.err)")
    }
}
