import Foundation
import NIOCore
import Testing

/// `fable serve` runs one event loop per two cores unless NIO_SINGLETON_GROUP_LOOP_COUNT says
/// otherwise: counted in the running server's threads (Linux's /proc).
@Suite(.serialized, .timeLimit(.minutes(2))) struct EventLoopCountTests {
    @Test func theServerRunsOneEventLoopPerTwoCoresUnlessTold() async throws {
        for (environment, expected) in [([:], max(1, System.coreCount / 2)), (["NIO_SINGLETON_GROUP_LOOP_COUNT": "3"], 3)] {
            let server = try await ServeProcess(stories: [:], environment: environment)
            defer { server.stop() }
            #expect(try Self.eventLoopThreads(of: server.serverPID) == expected, "\(environment)")
        }
    }

    /// The threads named like NIO's shared event loops (`NIO-SGLTN-…`).
    static func eventLoopThreads(of pid: Int32) throws -> Int {
        let tasks = "/proc/\(pid)/task"
        return try FileManager.default.contentsOfDirectory(atPath: tasks).filter { task in
            let name = (try? String(contentsOfFile: "\(tasks)/\(task)/comm", encoding: .utf8)) ?? ""
            return name.hasPrefix("NIO-SGLTN")
        }.count
    }
}
