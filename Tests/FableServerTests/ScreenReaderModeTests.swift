import FableCore
@testable import FableServer
import FableTestSupport
import Testing

/// `settings screenreader on`: no rules or decorations, no line breaks inside a paragraph.
@Suite(.timeLimit(.minutes(2))) struct ScreenReaderModeTests {
    @Test func screenReaderModeDropsRulesDecorationsAndWrapping() async throws {
        try await ServerHarness.with { harness in
            let client = try await harness.login("rhea")
            try await client.say("new marsh", expect: "  3. ", timeout: .seconds(20))
            try await client.say("settings width 40", expect: "width         40")
            try await client.say("settings pager off", expect: "pager         off")

            var mark = try await client.say("read", expect: "— Step 1 —")
            try await client.waitFor("> ", after: mark)
            #expect(Self.longestLine(client.transcript, after: mark) <= 40, "wrapped at 40 columns")

            mark = try await client.say("settings screenreader on", expect: "screenreader  on")
            mark = try await client.say("read", expect: "Step 1.\nStep 1. ")
            try await client.waitFor("> ", after: mark)
            let shown = String(client.transcript.dropFirst(mark))
            #expect(!shown.contains("— Step"))
            #expect(Self.longestLine(client.transcript, after: mark) > 200, "a paragraph is one line")
            mark = try await client.say("branches", expect: "(you are here)")
            #expect(!String(client.transcript.dropFirst(mark)).contains("←"))
            let before = client.transcript.count
            mark = try await client.say("1", expect: "  3. ", timeout: .seconds(20))
            try await client.waitFor("> ", after: mark)
            #expect(Self.longestLine(client.transcript, after: before) > 200, "a streamed passage is not wrapped")

            mark = try await client.say("settings screenreader off", expect: "screenreader  off")
            mark = try await client.say("read 1", expect: "— Step 1 —")
            try await client.waitFor("> ", after: mark)
            #expect(Self.longestLine(client.transcript, after: mark) <= 40)
        }
    }

    private static func longestLine(_ transcript: String, after offset: Int) -> Int {
        String(transcript.dropFirst(offset)).components(separatedBy: "\n").map(\.count).max() ?? 0
    }
}
