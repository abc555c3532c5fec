import FableCore
import FableEngine
import FableStore
import FableStub
import Foundation
import Testing

@Suite struct MemoryRevisionTests {
    func setUp() async throws -> (SQLiteStore, ScriptedChatModel, Storyteller, World) {
        let store = try SQLiteStore(path: temporaryDatabase())
        let model = ScriptedChatModel()
        let world = try await store.createWorld(label: "t", premise: premise)
        return (store, model, Storyteller(store: store, model: model, retryPolicy: quickRetries), world)
    }

    @Test func aPinnedFactIsInEveryPromptFiftyStepsLaterThoughTheMemoryDropsIt() async throws {
        let (store, model, storyteller, world) = try await setUp()
        _ = try await collect(storyteller.begin(worldID: world.id))
        let fact = "The ferryman's daughter is called Ysolde."
        let pinned = try await storyteller.revise(worldID: world.id, .pin(fact))
        _ = try await collect(storyteller.advance(worldID: world.id, instruction: .custom("step ferryman marsh")))
        let firstPrompt = try #require(model.requests.last).messages.map(\.content).joined()
        #expect(firstPrompt.components(separatedBy: "Step 1.").count == 2,
                "the passage before the pin is the last passage, never also a retrieved one")
        #expect(pinned.parentID != nil)
        var last: Step?
        for _ in 0..<50 {
            last = try await collect(storyteller.advance(worldID: world.id, instruction: .option(0))).step
        }
        let head = try #require(last)
        #expect(head.depth == 52)
        #expect(head.content.pins == [fact])
        #expect(!head.content.memory.contains("Ysolde"), "the stub's memory rewrites never keep it")
        let prompt = try #require(model.requests.last).messages.map(\.content).joined()
        #expect(prompt.contains(fact))
        let traced = try #require(try await store.trace(stepID: head.id))
        #expect(traced.messages.map(\.content).joined().contains(fact), "the trace holds the exact prompt")
    }

    @Test func editsAndPinsAreRevisionsThatUndoTakesBack() async throws {
        let (store, model, storyteller, world) = try await setUp()
        let opening = try await collect(storyteller.begin(worldID: world.id)).step
        let edited = try await storyteller.revise(worldID: world.id, .replaceMemory("Only the heron knows the way."))
        #expect(edited.kind == .revision)
        #expect(edited.depth == opening.depth)
        #expect(edited.content.passage == opening.content.passage)
        #expect(edited.content.memoryChange == "The memory was edited by hand.")
        _ = try await collect(storyteller.advance(worldID: world.id, instruction: .proceed))
        #expect(try #require(model.requests.last).messages.map(\.content).joined().contains("Only the heron knows the way."))

        _ = try await store.undo(worldID: world.id)
        _ = try await store.undo(worldID: world.id)
        #expect(try await store.world(id: world.id)?.headStepID == opening.id)
        await #expect(throws: StepError.self) {
            _ = try await storyteller.revise(worldID: world.id, .unpin(1))
        }
        _ = try await storyteller.revise(worldID: world.id, .pin("The bell is cracked."))
        await #expect(throws: StepError.self) { _ = try await collect(storyteller.retry(worldID: world.id)) }
        let unpinned = try await storyteller.revise(worldID: world.id, .unpin(1))
        #expect(unpinned.content.pins.isEmpty)
        // Revisions repeat a passage: long-term search must not find it twice.
        let found = try await store.searchBranch(endingAt: unpinned.id, terms: ["step"], limit: 10)
        #expect(found.map(\.stepID) == [opening.id])
    }

    @Test func inspectReadsTheLastCommittedStateWhileAStepIsBeingWritten() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let gate = Gate()
        let model = ScriptedChatModel { request, number in
            if number > 1 { gate.wait() }
            return StubStoryteller.reply(number: number, opening: request.schema.contains("\"outline\""))
        }
        let world = try await store.createWorld(label: "t", premise: premise)
        let storyteller = Storyteller(store: store, model: model, retryPolicy: quickRetries)
        let opening = try await collect(storyteller.begin(worldID: world.id)).step
        let running = Task { try await collect(storyteller.advance(worldID: world.id, instruction: .option(1))) }
        while model.requests.count < 2 { try await Task.sleep(for: .milliseconds(5)) }
        let report = try await storyteller.inspect(world: #require(try await store.world(id: world.id)))
        #expect(report.step?.id == opening.id)
        #expect(report.memory == opening.content.memory)
        #expect(report.step?.options == opening.content.options)
        #expect(report.lastCall?.messages?.isEmpty == false)
        #expect(report.lastCall?.reply?.contains("Step 1.") == true)
        let json = try report.json()
        #expect(json.contains("\"format\" : \"fable-inspect\""))
        gate.open()
        let next = try await running.value.step
        #expect(try await storyteller.inspect(world: #require(try await store.world(id: world.id))).step?.id == next.id)
    }
}

/// Blocks a scripted model's thread until the test opens it.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func wait() { semaphore.wait() }
    func open() { semaphore.signal() }
}
