import FableCore
import FableStore
import FableStub
import FableTestSupport
import Foundation
import Testing

/// `kill -9` of a busy server, again and again: every step a reader saw committed is still
/// there, nothing half-written exists, the file is sound, and every reader resumes at the
/// last committed step. The test command runs a short version; `FABLE_CRASH_READERS=100
/// FABLE_CRASH_KILLS=20` runs the long one (docs/reliability.md) and prints its figures.
@Suite(.serialized, .timeLimit(.minutes(20))) struct CrashSafetyTests {
    static let story = """
        ---
        title: Tiny
        ---
        A small story for a busy server.
        """

    @Test func killedAgainAndAgainWhileReadersPlayLosesNothing() async throws {
        let environment = ProcessInfo.processInfo.environment
        let readerCount = Int(environment["FABLE_CRASH_READERS"] ?? "") ?? 12
        let kills = Int(environment["FABLE_CRASH_KILLS"] ?? "") ?? 4
        let folder = temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("stories"), withIntermediateDirectories: true)
        try Self.story.write(to: folder.appendingPathComponent("stories/tiny.md"), atomically: true, encoding: .utf8)
        try await StubLLMServer.serving(script: StubStoryteller(passageWords: 60).script(
            chunkSize: 8, chunkDelay: .milliseconds(10))) { stub in
            let names = (1...readerCount).map { "reader\($0)" }
            var seen: [String: Set<Int>] = [:]
            var headAtKill: [String: Int] = [:]
            var resumeChecks = 0
            var committedTotal = 0

            for round in 0...kills {
                let server = try ServerProcess(folder: folder, llmURL: stub.url)
                let port = try await server.port()
                // Log in everyone (creating them on the first start) and, after each restart,
                // check each resumes exactly where the store was when the server died.
                let clients = try await withThrowingTaskGroup(of: (String, LineClient, Int).self) { group in
                    for name in names {
                        group.addTask {
                            let client = try await LineClient.connect(port: port)
                            try await client.waitFor("Name: ", timeout: .seconds(30))
                            let mark = try await client.say("\(round == 0 ? "create" : "connect") \(name) secret1",
                                                            expect: "> ", timeout: .seconds(30))
                            return (name, client, mark)
                        }
                    }
                    var all: [(String, LineClient, Int)] = []
                    for try await entry in group { all.append(entry) }
                    return all
                }
                if round > 0 {
                    for (name, client, _) in clients {
                        guard let expected = headAtKill[name] else { continue }
                        let shown = Self.committedNumbers(in: client.transcript).first
                        #expect(shown == expected, "\(name) resumed at \(String(describing: shown)), the store's head was \(expected)")
                        resumeChecks += 1
                    }
                }
                // Everyone plays until the server dies under them.
                let players = clients.map { entry in
                    Task { await Self.play(entry.1, firstTime: round == 0) }
                }
                if round < kills {
                    try await Task.sleep(for: .milliseconds(Int.random(in: 1500...4000)))
                    server.kill()
                } else {
                    try await Task.sleep(for: .seconds(3))
                    server.terminate()
                }
                for player in players { await player.value }
                for (name, client, _) in clients {
                    seen[name, default: []].formUnion(Self.committedNumbers(in: client.transcript))
                    await client.close()
                }
                // The file after the crash: sound, and holding every step anyone saw.
                let store = try SQLiteStore(path: folder.appendingPathComponent("crash.sqlite").path)
                #expect(try await store.integrityCheck() == "ok")
                committedTotal = 0
                for name in names {
                    let account = try #require(try await store.account(name: name))
                    guard let world = try await store.worlds(ownerID: account.id).first, let head = world.headStepID else { continue }
                    let path = try await store.path(to: head)
                    committedTotal += path.count
                    let stored = Set(path.compactMap { Self.stubNumber(of: $0.content.passage) })
                    let missing = seen[name, default: []].subtracting(stored)
                    #expect(missing.isEmpty, "\(name) saw steps \(missing.sorted()) committed that the store lost")
                    #expect(path.allSatisfy { !$0.content.passage.isEmpty && $0.content.options.count == 3 },
                            "no half-written step")
                    #expect(path.map(\.depth) == Array(1...path.count), "one unbroken chain")
                    headAtKill[name] = path.last.flatMap { Self.stubNumber(of: $0.content.passage) }
                }
            }
            let seenTotal = seen.values.reduce(0) { $0 + $1.count }
            print("crash safety: \(readerCount) readers, \(kills) kill -9s, \(committedTotal) steps committed, "
                  + "\(seenTotal) seen committed by readers, 0 lost, \(resumeChecks) resumes checked")
            #expect(seenTotal > readerCount, "readers did play between kills")
        }
    }

    /// Keeps choosing option 1 (or beginning the world) until the connection drops.
    static func play(_ client: LineClient, firstTime: Bool) async {
        var offset = client.transcript.count
        do {
            if firstTime {
                offset = try await client.say("new tiny", expect: "  3. ", timeout: .seconds(60))
            } else if !client.transcript.contains("  3. ") {
                offset = try await client.say("continue", expect: "  3. ", timeout: .seconds(60))
            }
            while !client.isClosed {
                offset = try await client.say("1", expect: "  3. ", timeout: .seconds(60))
                _ = offset
            }
        } catch {}
    }

    /// The stub numbers of the steps whose options a reader was shown, in order. Options are
    /// shown only after the commit; the third option of reply N ends "(Nc).".
    static func committedNumbers(in transcript: String) -> [Int] {
        transcript.components(separatedBy: "c).").dropLast().compactMap { piece in
            guard let open = piece.lastIndex(of: "(") else { return nil }
            return Int(piece[piece.index(after: open)...])
        }
    }

    static func stubNumber(of passage: String) -> Int? {
        guard passage.hasPrefix("Step ") else { return nil }
        return Int(passage.dropFirst(5).prefix { $0.isNumber })
    }
}

/// `fable serve` on a free port, killed or stopped at will.
final class ServerProcess {
    let process = Process()
    let out: URL

    init(folder: URL, llmURL: String, database: String = "crash.sqlite",
         extra: [String] = ["--max-generations", "200", "--connections-per-address", "1000"],
         environment extraEnvironment: [String: String] = [:]) throws {
        out = folder.appendingPathComponent("serve-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        process.executableURL = FableProcess.binary
        process.arguments = ["serve", "--port", "0", "--db", database, "--stories", "stories",
                             "--password-rounds", "16"] + extra
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment
        environment["FABLE_LLM_URL"] = llmURL
        environment["FABLE_DB"] = nil
        environment.merge(extraEnvironment) { _, new in new }
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    func port() async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
            if let range = text.range(of: "serving on 127.0.0.1:") {
                return Int(text[range.upperBound...].prefix { $0.isNumber }) ?? 0
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CrashTestError(description: "the server never said its port")
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func terminate() {
        process.terminate()
        process.waitUntilExit()
    }
}

struct CrashTestError: Error, CustomStringConvertible {
    var description: String
}
