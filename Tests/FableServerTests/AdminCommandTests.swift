import FableCore
import FableServer
import FableStore
import FableTestSupport
import Foundation
import Testing

/// The admins' commands over real sockets, and readers' memory commands.
@Suite(.serialized) struct AdminCommandTests {
    @Test func aReaderWhoIsNotAnAdminIsRefusedEveryAdminCommand() async throws {
        try await ServerHarness.with { harness in
            let reader = try await harness.login("nell")
            for command in ["@who", "@stats", "@inspect nell", "@snoop nell", "@boot nell", "@broadcast hi", "@reload", "@shutdown 1"] {
                try await reader.say(command, expect: "That is an admin command, and you are not an admin.")
            }
            #expect(!reader.isClosed)
            await reader.close()
        }
    }

    @Test func anAdminSeesInspectsWatchesBroadcastsToAndBootsReaders() async throws {
        try await ServerHarness.with { harness in
            let reader = try await harness.login("olga")
            try await reader.say("new marsh", expect: "  3. ", timeout: .seconds(20))
            try await reader.waitFor("> ")
            let again = try await loginAsAdmin("root1", on: harness)

            try await again.say("@who", expect: "olga from 127.0.0.1")
            try await again.say("@inspect olga", expect: "-- More: Enter for the next page")
            try await again.say("", expect: "Short-term memory:")
            try await again.say("q", expect: "> ")
            try await again.say("@snoop olga", expect: "Watching olga's screen")
            let mark = again.transcript.count
            try await reader.say("recap", expect: "1. In step 1")
            try await again.waitFor("1. In step 1", after: mark)
            try await again.say("@snoop", expect: "(Stopped watching.)")
            try await again.say("@broadcast The tide turns at noon.", expect: "[root1, to everyone] The tide turns at noon.")
            try await reader.waitFor("[root1, to everyone] The tide turns at noon.")
            try await again.say("@reload", expect: "Story files checked: 2 can be started")
            try await again.say("@boot olga", expect: "olga is disconnected.")
            try await reader.waitFor("An admin has disconnected you.")
            try await reader.waitFor("\u{0}CLOSED")
            await again.close()
        }
    }

    @Test func anAdminSeesWhatTheLatestStepsTook() async throws {
        try await ServerHarness.with { harness in
            let reader = try await harness.login("vera")
            try await reader.say("new marsh", expect: "  3. ", timeout: .seconds(20))
            try await reader.waitFor("> ")
            try await reader.say("1", expect: "  3. ", timeout: .seconds(20))
            try await reader.waitFor("> ")
            let again = try await loginAsAdmin("root2", on: harness)

            let mark = again.transcript.count
            try await again.say("@stats", expect: "(hand-off: ")
            let report = String(again.transcript.dropFirst(mark))
            #expect(report.contains("0 steps being written, 0 waiting for a slot"), "\(report)")
            #expect(report.contains("Steps since the start: 2 kept, 0 failed, 0 cancelled; 0 passages written again, 0 replies repaired."), "\(report)")
            // Each series has the two steps (the opening and a turn), its percentiles in order.
            for label in ["waiting for a slot", "slot → passage shown", "model → reader (hand-off)", "slot → step kept"] {
                let line = try #require(report.split(separator: "\n").first { $0.hasPrefix("  " + label) }, "\(label): \(report)")
                let cells = line.dropFirst(2 + 26).split(separator: " ")
                #expect(cells.count == 5 && cells.last == "2", "\(line)")
                let figures = cells.dropLast().compactMap { Double($0) }
                #expect(figures.count == 4 && figures == figures.sorted(), "\(line)")
            }
            await reader.close()
            await again.close()
        }
    }

    /// A new reader made an admin and logged in again (the flag is read at login).
    private func loginAsAdmin(_ name: String, on harness: ServerHarness) async throws -> LineClient {
        let first = try await harness.login(name)
        _ = try await harness.store.setAdmin(name: name, true)
        await first.close()
        return try await harness.login(name, create: false)
    }

    @Test func readersPinEditAndUndoTheirMemory() async throws {
        try await ServerHarness.with { harness in
            let client = try await harness.login("pia")
            try await client.say("new marsh", expect: "  3. ", timeout: .seconds(20))
            try await client.waitFor("> ")
            try await client.say("pin The bell is made of glass.", expect: "Pinned.")
            try await client.say("memory edit The traveller carries a glass bell.", expect: "The memory is replaced")
            try await client.say("memory", expect: "1. The bell is made of glass.")
            #expect(client.transcript.contains("The memory was edited by hand."))
            try await client.say("1", expect: "  3. ", timeout: .seconds(20))
            let prompt = try #require(harness.stub.requests.last?.promptText)
            #expect(prompt.contains("The bell is made of glass."))
            #expect(prompt.contains("The traveller carries a glass bell."))
            try await client.say("read 1", expect: "— Step 2 —")
            #expect(client.transcript.components(separatedBy: "— Step 1 —").count == 2, "revisions never show as passages")
            try await client.say("q", expect: "> ")
            try await client.say("undo", expect: "  3. ")
            try await client.say("undo", expect: "  3. ")
            try await client.say("memory", expect: "Pinned facts (always in the prompt):")
            try await client.say("undo", expect: "  3. ")
            try await client.say("memory", expect: "Pinned facts: none")
            await client.close()
        }
    }
}
