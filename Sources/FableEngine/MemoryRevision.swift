import FableCore

/// A change a reader or an admin makes to what the storyteller keeps in mind.
public enum MemoryRevision: Sendable, Equatable {
    case replaceMemory(String)
    case pin(String)
    /// 1-based, as `memory` lists the pins.
    case unpin(Int)

    public static let pinCharacterCap = 300
    public static let pinLimit = 20
    public static let memoryCharacterCap = 4000
}

extension Storyteller {
    /// Records the change as a revision step: a child of the head with the same passage and
    /// options and the one change, so `undo` takes it back like any step. The store is
    /// unchanged if the head moved meanwhile.
    public func revise(worldID: Int64, _ revision: MemoryRevision) async throws -> Step {
        guard let world = try await store.world(id: worldID) else { throw StoreError.noSuchWorld(worldID) }
        guard let headID = world.headStepID, let head = try await store.step(id: headID) else {
            throw StepError.wrongState("the story has not begun yet")
        }
        var content = head.content
        let note: String
        switch revision {
        case .replaceMemory(let text):
            let memory = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !memory.isEmpty else { throw StepError.wrongState("the new memory is empty") }
            guard memory.count <= MemoryRevision.memoryCharacterCap else {
                throw StepError.wrongState("a memory has at most \(MemoryRevision.memoryCharacterCap) characters")
            }
            content.memory = memory
            note = "The memory was edited by hand."
        case .pin(let fact):
            let fact = fact.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !fact.isEmpty, fact.count <= MemoryRevision.pinCharacterCap else {
                throw StepError.wrongState("a pinned fact has 1 to \(MemoryRevision.pinCharacterCap) characters")
            }
            guard content.pins.count < MemoryRevision.pinLimit else {
                throw StepError.wrongState("at most \(MemoryRevision.pinLimit) facts can be pinned; unpin one first")
            }
            content.pins.append(fact)
            note = "Pinned: \(fact)"
        case .unpin(let number):
            guard content.pins.indices.contains(number - 1) else {
                throw StepError.wrongState(content.pins.isEmpty ? "nothing is pinned" : "there is no pin \(number)")
            }
            let removed = content.pins.remove(at: number - 1)
            note = "Unpinned: \(removed)"
        }
        content.memoryChange = note
        let draft = StepDraft(worldID: worldID, parentID: head.id, depth: head.depth, instruction: "",
                              content: content, telemetry: StepTelemetry(model: "revision"), kind: .revision)
        return try await store.commit(draft, expectedHead: head.id)
    }
}
