import FableCore
import FableStorePostgres
import Foundation
import Synchronization
import Testing

/// Two front ends on one PostgreSQL database, each its own store and bus, as two `fable serve`
/// processes would have them.
@Suite(.enabled(if: StoreKind.postgresURL != nil)) struct PostgresFrontEndBusTests {
    /// What a front end received, in order.
    final class Inbox: Sendable {
        private let events = Mutex<[FrontEndEvent]>([])
        var received: [FrontEndEvent] { events.withLock { $0 } }
        func add(_ event: FrontEndEvent) { events.withLock { $0.append(event) } }

        func wait(for count: Int, timeout: Duration = .seconds(10)) async throws -> [FrontEndEvent] {
            let deadline = ContinuousClock.now + timeout
            while received.count < count {
                try #require(ContinuousClock.now < deadline, "received only \(received)")
                try await Task.sleep(for: .milliseconds(20))
            }
            return received
        }
    }

    struct FrontEnd {
        let store: PostgresStore
        let bus: PostgresFrontEndBus
        let inbox = Inbox()

        static func start(_ location: PostgresLocation, presenceTimeout: Duration = .seconds(30)) async throws -> FrontEnd {
            let store = try await PostgresStore.open(location, maxConnections: 4)
            let frontEnd = FrontEnd(store: store, bus: PostgresFrontEndBus(store: store, presenceTimeout: presenceTimeout))
            let inbox = frontEnd.inbox
            try await frontEnd.bus.start { inbox.add($0) }
            return frontEnd
        }

        func stop() async {
            await bus.stop()
            await store.close()
        }
    }

    @Test func eventsReachTheOtherFrontEndInOrderAndNeverComeBackToTheSender() async throws {
        let location = try await StoreUnderTest.freshPostgresDatabase()
        let a = try await FrontEnd.start(location)
        let b = try await FrontEnd.start(location)
        #expect(a.bus.frontEndID != b.bus.frontEndID)
        let sent: [FrontEndEvent] = [
            .loggedIn(name: "ada"),
            .boot(name: "bea", reason: "An admin has disconnected you."),
            .broadcast(text: "[root, to everyone] « Quotes », 'apostrophes' and \\ backslashes; 雨"),
        ]
        for event in sent { await a.bus.publish(event) }
        #expect(try await b.inbox.wait(for: 3) == sent)
        // A's own events did not come back to it: the first it receives is B's.
        await b.bus.publish(.loggedIn(name: "cai"))
        #expect(try await a.inbox.wait(for: 1) == [.loggedIn(name: "cai")])
        await a.stop()
        await b.stop()
    }

    @Test func aBroadcastTooLongForOneNotificationArrivesCut() async throws {
        let location = try await StoreUnderTest.freshPostgresDatabase()
        let a = try await FrontEnd.start(location)
        let b = try await FrontEnd.start(location)
        await a.bus.publish(.broadcast(text: String(repeating: "é", count: 5000)))
        let received = try await b.inbox.wait(for: 1)
        guard case .broadcast(let text) = received.first else { Issue.record("\(received)"); return }
        #expect(text.hasPrefix(String(repeating: "é", count: 2900)) && text.utf8.count <= 6000)
        await a.stop()
        await b.stop()
    }

    @Test func eachFrontEndSeesTheOthersReadersAndAFrontEndThatStopsTakesItsReadersAway() async throws {
        let location = try await StoreUnderTest.freshPostgresDatabase()
        let a = try await FrontEnd.start(location)
        let b = try await FrontEnd.start(location)
        let now = Date(timeIntervalSince1970: (Date().timeIntervalSince1970).rounded())
        let ada = PresentReader(name: "ada", address: "10.0.0.1", connectedAt: now.addingTimeInterval(-60), lastInput: now,
                                activity: "playing Tiny", frontEnd: a.bus.frontEndID)
        await a.bus.announce([ada])
        await b.bus.announce([PresentReader(name: "bea", address: "10.0.0.2", connectedAt: now, lastInput: now,
                                            activity: "choosing a story", frontEnd: b.bus.frontEndID)])
        #expect(await b.bus.remoteReaders() == [ada])
        #expect(await a.bus.remoteReaders().map(\.name) == ["bea"])
        // An announcement replaces the last: ada left.
        await a.bus.announce([])
        #expect(await b.bus.remoteReaders() == [])
        await a.bus.announce([ada])
        await a.stop()
        #expect(await b.bus.remoteReaders() == [], "a front end that stops takes its readers away at once")
        await b.stop()
    }

    @Test func aFrontEndThatFallsSilentDropsOutAfterThePresenceTimeout() async throws {
        let location = try await StoreUnderTest.freshPostgresDatabase()
        // A is "killed": it announced once and never again (nor stopped).
        let a = try await FrontEnd.start(location)
        let timeout = Duration.seconds(2)
        let b = try await FrontEnd.start(location, presenceTimeout: timeout)
        let now = Date()
        let announced = ContinuousClock.now
        await a.bus.announce([PresentReader(name: "ada", address: "10.0.0.1", connectedAt: now, lastInput: now,
                                            activity: "playing Tiny", frontEnd: a.bus.frontEndID)])
        #expect(await b.bus.remoteReaders().map(\.name) == ["ada"])
        // Listed until its heartbeat is older than the time-out, and not a moment less (however
        // slow a busy machine makes the polling), then gone.
        while await b.bus.remoteReaders().map(\.name) == ["ada"] {
            try #require(ContinuousClock.now - announced < timeout + .seconds(15), "never dropped out")
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(ContinuousClock.now - announced >= timeout, "dropped out within the time-out")
        #expect(await b.bus.remoteReaders() == [], "gone once its heartbeat is older than the time-out")
        // B's next heartbeat clears the dead front end's rows away.
        await b.bus.announce([])
        #expect(try await b.store.frontEndCount() == 1)
        await a.stop()
        await b.stop()
    }

    @Test func vectorsAnotherFrontEndStoresForOlderStepsAreFoundHere() async throws {
        let location = try await StoreUnderTest.freshPostgresDatabase()
        let a = try await FrontEnd.start(location)
        let b = try await FrontEnd.start(location)
        let world = try await a.store.createWorld(label: "w", premise: Premise(storyID: "v", title: "V", body: "A premise."))
        var steps: [Step] = []
        for passage in ["The harbour at dawn.", "A dragon sleeps in the cellar.", "You climb the stairs."] {
            let parent = steps.last
            let draft = StepDraft(worldID: world.id, parentID: parent?.id, depth: (parent?.depth ?? 0) + 1, instruction: "go",
                                  content: StepContent(outline: parent == nil ? "Outline." : nil, passage: passage,
                                                       memoryChange: "c", memory: "m", indexLine: "i", options: ["a", "b", "c"]),
                                  telemetry: StepTelemetry(model: "test"))
            steps.append(try await a.store.commit(draft, expectedHead: parent?.id))
        }
        func vectors(_ step: Step, _ axis: Int) async throws -> [(pieceID: Int64, vector: [Float])] {
            var vector = [Float](repeating: 0, count: 4)
            vector[axis] = 1
            return try await a.store.pieces(stepID: step.id).map { ($0.id, vector) }
        }
        // The newest step has its vector; B searches, and so holds the world's vectors in memory.
        try await a.store.storeVectors(try await vectors(steps[2], 1), model: "m")
        let first = try await b.store.denseSearchBranch(endingAt: steps[2].id, vector: [0, 0, 1, 0], model: "m", limit: 3)
        #expect(!first.contains { $0.stepID == steps[1].id })
        // A backfills an older step, below every piece B holds.
        try await a.store.storeVectors(try await vectors(steps[1], 2), model: "m")
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let found = try await b.store.denseSearchBranch(endingAt: steps[2].id, vector: [0, 0, 1, 0], model: "m", limit: 3)
            if found.first?.stepID == steps[1].id { break }
            try #require(ContinuousClock.now < deadline, "B never saw the backfilled vector: \(found.map(\.stepID))")
            try await Task.sleep(for: .milliseconds(50))
        }
        await a.stop()
        await b.stop()
    }
}

extension PostgresFrontEndBusTests {
    @Test func aListenerWhoseConnectionIsCutListensAgain() async throws {
        let location = try await StoreUnderTest.freshPostgresDatabase()
        let a = try await FrontEnd.start(location)
        let b = try await FrontEnd.start(location)
        // The server ends every connection that listens (both buses' listeners).
        #expect(try await a.store.terminateListeners() == 2)
        // Within a few seconds B listens again, and what A sends then arrives.
        let deadline = ContinuousClock.now + .seconds(15)
        var sent = 0
        while b.inbox.received.isEmpty {
            try #require(ContinuousClock.now < deadline, "B never listened again")
            sent += 1
            await a.bus.publish(.broadcast(text: "after the cut \(sent)"))
            try await Task.sleep(for: .milliseconds(200))
        }
        guard case .broadcast(let text) = b.inbox.received.first else { Issue.record("\(b.inbox.received)"); return }
        #expect(text.hasPrefix("after the cut "))
        await a.stop()
        await b.stop()
    }
}
