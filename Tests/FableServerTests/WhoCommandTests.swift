import FableTestSupport
import Testing

/// `who`: the readers here and what each is doing, as a reader sees it.
@Suite(.serialized) struct WhoCommandTests {
    /// Another reader's activity names their story, whose title came from a story file:
    /// its control characters must not reach the terminal of the reader who asks.
    @Test func anotherReadersActivityReachesTheTerminalWithoutControlCharacters() async throws {
        let story = """
            ---
            title: "Bells \\e[2J\\e]0;pwned\\a Tower"
            ---
            A bell tower stands alone in the fog.
            """
        try await ServerHarness.with(stories: ["tower.md": story]) { harness in
            let player = try await harness.login("rosa")
            try await player.say("new tower", expect: "  3. ", timeout: .seconds(20))
            let asker = try await harness.login("sam")
            let mark = try await asker.say("who", expect: "2 readers here:")
            try await asker.waitFor(" Tower)", after: mark)
            let shown = String(asker.transcript.dropFirst(mark))
            #expect(!shown.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "\(shown.debugDescription)")
            #expect(shown.contains("rosa  (idle ") && shown.contains(", playing Bells [2J]0;pwned Tower)"),
                    "\(shown.debugDescription)")
            await player.close()
            await asker.close()
        }
    }
}
