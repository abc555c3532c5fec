import FableCore
import FableStore
import Foundation
import Testing

/// `fable serve` says once how long-term search ranks (dense on, or BM25 alone and why), never
/// at every step, and a reader's `recall` shows the sentence that matched.
@Suite(.serialized, .timeLimit(.minutes(3))) struct LongTermSearchServeTests {
    private func play(_ serve: ServeProcess, name: String) async throws -> ExpectRun {
        try await ExpectRun.run(name, script: """
            spawn telnet 127.0.0.1 \(serve.port)
            want "Name: "
            send "ada\\r"
            want "(yes/no) "
            send "yes\\r"
            want "Choose a password (6 characters or more): "
            send "dense-pass-1\\r"
            want "The same password again: "
            send "dense-pass-1\\r"
            want "Welcome, ada."
            want "> "
            send "new tiny\\r"
            options
            send "1\\r"
            options
            send "2\\r"
            options
            send "3\\r"
            options
            send "recall the traveller\\r"
            wantRE {Step [0-9]+: [^\\r\\n]+}
            want "> "
            send "quit\\r"
            expect eof
            """, in: serve.folder)
    }

    @Test func anEmbeddingsEndpointThatDoesNotAnswerIsReportedOnceAndBM25Serves() async throws {
        let serve = try await ServeProcess(stories: TelnetClientTests.stories, embeddings: .url("http://127.0.0.1:9/v1"))
        defer { serve.stop() }
        let run = try await play(serve, name: "bm25-alone")
        #expect(run.status == 0, "\(run.err)\n\(run.log)")
        let said = serve.serverOutput + serve.serverLog
        #expect(serve.serverOutput.contains("fable: long-term search: BM25 alone: the embeddings endpoint does not answer"))
        #expect(said.components(separatedBy: "long-term search").count - 1 == 1, "\(said)")
        #expect(!run.log.contains("embeddings"), "nothing about it reaches the reader")
    }

    @Test func withTheStubsEmbeddingsEveryPieceGetsAVectorAndRecallShowsASentence() async throws {
        let serve = try await ServeProcess(stories: TelnetClientTests.stories, embeddings: .stub)
        defer { serve.stop() }
        let run = try await play(serve, name: "dense")
        #expect(run.status == 0, "\(run.err)\n\(run.log)")
        #expect(serve.serverOutput.contains("fable: long-term search: BM25 and dense vectors, fused"))
        #expect(!serve.serverLog.contains("long-term search"))
        let store = try SQLiteStore(path: serve.databasePath)
        let world = try #require(try await store.latestWorld(storyID: "tiny"))
        // The last step's vectors are made after the reader was shown it, so they may still be on their way.
        var missing = -1
        for _ in 0..<100 {
            missing = try await store.pieceCount(worldID: world.id) - (try await store.vectorCount(worldID: world.id, model: "multilingual-e5-small"))
            if missing == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(missing == 0)
    }
}
