import FableCore
import FableServer
import FableTestSupport
import Foundation
import Testing

/// What a server tells the other front ends and does for them, with a scripted bus standing in
/// for them (the PostgreSQL bus has tests of its own, and two real servers are in
/// `TwoFrontEndsTests`).
@Suite(.serialized) struct FrontEndBusServerTests {
    @Test func aLoginIsPublishedAndALoginElsewhereClosesTheSessionHere() async throws {
        let bus = ScriptedFrontEndBus()
        try await ServerHarness.with(frontEnds: bus) { harness in
            let reader = try await harness.login("ada")
            #expect(bus.published == [.loggedIn(name: "ada")])
            await bus.receive(.loggedIn(name: "ADA"))
            try await reader.waitFor("You logged in from somewhere else; this connection is closing.")
            try await reader.waitFor("\u{0}CLOSED")
            // Someone else's login elsewhere leaves a reader here alone.
            let other = try await harness.login("bea")
            await bus.receive(.loggedIn(name: "ada"))
            try await other.say("who", expect: "bea")
            #expect(!other.isClosed)
            await other.close()
        }
    }

    @Test func broadcastsAndBootsFromElsewhereReachReadersHere() async throws {
        let bus = ScriptedFrontEndBus()
        try await ServerHarness.with(frontEnds: bus) { harness in
            let reader = try await harness.login("cai")
            await bus.receive(.broadcast(text: "[root, to everyone] Rain at dusk."))
            try await reader.waitFor("[root, to everyone] Rain at dusk.")
            await bus.receive(.boot(name: "cai", reason: "An admin has disconnected you."))
            try await reader.waitFor("An admin has disconnected you.")
            try await reader.waitFor("\u{0}CLOSED")
        }
    }

    @Test func adminCommandsReachTheOtherFrontEnds() async throws {
        let bus = ScriptedFrontEndBus()
        try await ServerHarness.with(frontEnds: bus) { harness in
            let admin = try await loginAsAdmin("root3", on: harness)
            let since = Date().addingTimeInterval(-125)
            bus.setRemote([PresentReader(name: "dov", address: "10.0.0.7", connectedAt: since, lastInput: since,
                                         activity: "playing The Marsh Bell", frontEnd: "there0000000")])
            try await admin.say("@who", expect: "2 readers connected:")
            try await admin.waitFor("dov from 10.0.0.7 [front end there0000000], on 2 min, idle 2 min: playing The Marsh Bell")
            try await admin.waitFor("root3 from 127.0.0.1, on ")
            try await admin.say("who", expect: "dov  (idle 2 min, playing The Marsh Bell)")

            try await admin.say("@broadcast The tide turns.", expect: "[root3, to everyone] The tide turns.")
            #expect(bus.published.contains(.broadcast(text: "[root3, to everyone] The tide turns.")))

            try await admin.say("@boot dov", expect: "dov is disconnected.")
            #expect(bus.published.contains(.boot(name: "dov", reason: "An admin has disconnected you.")))
            try await admin.say("@boot nobody", expect: "nobody is not connected.")
            await admin.close()
        }
        #expect(bus.stopped, "shutdown stops the bus")
    }

    @Test func readersHereAreAnnouncedWhenTheyLogInAndAtEveryHeartbeat() async throws {
        let bus = ScriptedFrontEndBus()
        try await ServerHarness.with(configure: { $0.presenceHeartbeat = .milliseconds(300) }, frontEnds: bus) { harness in
            let reader = try await harness.login("eli")
            let deadline = ContinuousClock.now + .seconds(10)
            while !(bus.announced.last?.map(\.name) == ["eli"]) {
                try #require(ContinuousClock.now < deadline, "eli was never announced: \(bus.announced)")
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(bus.announced.last?.first?.frontEnd == bus.frontEndID)
            #expect(bus.announced.last?.first?.address == "127.0.0.1")
            // Nothing changes, yet the announcements go on: that is the heartbeat (each at most a
            // second apart from the last, the beacon's settling time, on a busy machine more).
            let count = bus.announced.count
            let beats = ContinuousClock.now + .seconds(10)
            while bus.announced.count < count + 2 {
                try #require(ContinuousClock.now < beats, "\(bus.announced.count) announcements after \(count)")
                try await Task.sleep(for: .milliseconds(50))
            }
            await reader.close()
            while !(bus.announced.last?.isEmpty ?? false) {
                try #require(ContinuousClock.now < deadline + .seconds(10), "eli's leaving was never announced")
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// A new reader made an admin and logged in again (the flag is read at login).
    private func loginAsAdmin(_ name: String, on harness: ServerHarness) async throws -> LineClient {
        let first = try await harness.login(name)
        _ = try await harness.store.setAdmin(name: name, true)
        await first.close()
        return try await harness.login(name, create: false)
    }
}
