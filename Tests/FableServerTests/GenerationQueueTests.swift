import FableServer
import Synchronization
import Testing

@Suite struct GenerationQueueTests {
    @Test func waitersGetSlotsInArrivalOrderAndHearTheirPlace() async throws {
        let queue = GenerationQueue(capacity: 1)
        try await queue.acquire { _ in }
        let order = Log()
        var waiters: [Task<Void, any Error>] = []
        for name in ["a", "b", "c"] {
            waiters.append(Task {
                try await queue.acquire { place in order.add("\(name)@\(place)") }
                order.add("\(name) runs")
            })
            while await queue.queued < waiters.count { await Task.yield() }
        }
        #expect(order.entries == ["a@1", "b@2", "c@3"])
        await queue.release()
        try await waiters[0].value
        #expect(Set(order.entries.suffix(3)) == ["a runs", "b@1", "c@2"])
        await queue.release()
        try await waiters[1].value
        await queue.release()
        try await waiters[2].value
        #expect(order.entries.last == "c runs")
        await queue.release()
        #expect(await queue.inFlight == 0)
    }

    @Test func aCancelledWaiterLeavesTheLineAndOthersMoveUp() async throws {
        let queue = GenerationQueue(capacity: 1)
        try await queue.acquire { _ in }
        let places = Log()
        let first = Task { try await queue.acquire { _ in } }
        while await queue.queued < 1 { await Task.yield() }
        let second = Task { try await queue.acquire { places.add("\($0)") } }
        while await queue.queued < 2 { await Task.yield() }
        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        while places.entries.count < 2 { await Task.yield() }
        #expect(places.entries == ["2", "1"])
        await queue.release()
        try await second.value
        #expect(await queue.inFlight == 1)
    }

    @Test func closingRefusesNewStepsAndThoseWaitingInLine() async throws {
        let queue = GenerationQueue(capacity: 1)
        try await queue.acquire { _ in }
        let waiting = Task { try await queue.acquire { _ in } }
        while await queue.queued < 1 { await Task.yield() }
        await queue.close()
        await #expect(throws: GenerationQueue.Closed.self) { try await waiting.value }
        await #expect(throws: GenerationQueue.Closed.self) { try await queue.acquire { _ in } }
        #expect(await queue.inFlight == 1, "the step already writing goes on")
    }

    @Test func waitingUntilIdleEndsWhenTheLastStepEndsOrTheWaitIsCancelled() async throws {
        let queue = GenerationQueue(capacity: 2)
        await queue.waitUntilIdle()
        try await queue.acquire { _ in }
        try await queue.acquire { _ in }
        let ended = Log()
        let waiter = Task {
            await queue.waitUntilIdle()
            ended.add("idle")
        }
        await queue.release()
        try await Task.sleep(for: .milliseconds(50))
        #expect(ended.entries.isEmpty, "one step is still being written")
        await queue.release()
        await waiter.value
        #expect(ended.entries == ["idle"])

        try await queue.acquire { _ in }
        let cancelled = Task { await queue.waitUntilIdle() }
        try await Task.sleep(for: .milliseconds(20))
        cancelled.cancel()
        await cancelled.value
        #expect(await queue.inFlight == 1)
    }
}

final class Log: Sendable {
    private let storage = Mutex<[String]>([])
    func add(_ entry: String) { storage.withLock { $0.append(entry) } }
    var entries: [String] { storage.withLock { $0 } }
}
