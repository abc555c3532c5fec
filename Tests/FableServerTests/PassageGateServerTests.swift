import FableTestSupport
import FableCore
import FableEngine
import FableServer
import FableStub
import Foundation
import Synchronization
import Testing

/// A passage that opens as code is stopped before the reader sees it: the model's stream is
/// cut at the stub, the passage is written again, and the reader sees only the good one.
@Suite(.serialized) struct PassageGateServerTests {
    @Test func aPassageOpeningAsCodeIsCutAtTheModelAndWrittenAgainUnseen() async throws {
        let garbage = #"{"passage": "{2} # The Last Keeper of Gull Rock: In a world where you cannot be certain how things unfold [Sentences]{3}, 40:27 in 8.18.26 and on and on for a long while more", "memory_change": "x"#
        let requests = Mutex(0)
        try await ServerHarness.with(script: { request in
            let number = requests.withLock { $0 += 1; return $0 }
            if number == 2 {
                // Slow enough that the whole stream would take seconds: the gate cuts it first.
                return .stream(content: garbage + String(repeating: " filler", count: 200) + #""}"#, chunkSize: 4,
                               chunkDelay: .milliseconds(20))
            }
            return .stream(content: StubStoryteller.reply(number: number, opening: request.asksForOutline), chunkSize: 7)
        }) { harness in
            let client = try await harness.login("gert")
            try await client.say("new marsh", expect: "  3. ", timeout: .seconds(20))
            try await client.waitFor("> ")
            let mark = client.transcript.count
            try await client.say("I follow the lantern", expect: "  3. ", timeout: .seconds(20))
            let shown = String(client.transcript.dropFirst(mark))
            #expect(shown.contains("Step 3."), "\(shown)")
            for unseen in ["Gull Rock", "{2}", "Sentences", ReaderNotice.rewriting] {
                #expect(!shown.contains(unseen), "\(unseen) reached the reader: \(shown)")
            }
            // The garbage stream was cut at the model, not read to its end.
            let deadline = ContinuousClock.now + .seconds(5)
            while harness.stub.streams.open > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            #expect(harness.stub.streams.aborted == 1 && harness.stub.streams.finished == 2, "\(harness.stub.streams)")
            let figures = await harness.server.context.statistics.snapshot
            #expect(figures.rewritten == 0 && figures.committed == 2)
            await client.close()
        }
    }
}
