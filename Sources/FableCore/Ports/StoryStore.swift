/// Where worlds and their steps live. One protocol, so another backend
/// (PostgreSQL, SPEC §8) can take SQLite's place.
public protocol StoryStore: Sendable {
    /// `ownerID`: the account that plays the world (nil for the command-line tools).
    func createWorld(label: String, premise: Premise, ownerID: Int64?) async throws -> World
    /// An account's worlds, oldest first.
    func worlds(ownerID: Int64) async throws -> [World]
    func world(id: Int64) async throws -> World?
    func world(label: String) async throws -> World?
    /// The most recently created world of a story.
    func latestWorld(storyID: String) async throws -> World?
    func step(id: Int64) async throws -> Step?
    /// What a step reads first, in one read so the parts agree: the world, its head, the
    /// head's opening and where long-term search starts. Fails with `StoreError.noSuchWorld`
    /// when there is no such world, `StoreError.noSuchStep` when the head or its opening is missing.
    func position(worldID: Int64) async throws -> WorldPosition
    /// The opening step of the branch that `stepID` is on (it holds the outline).
    func opening(of stepID: Int64) async throws -> Step
    /// The steps from the opening down to `stepID`, opening first.
    func path(to stepID: Int64) async throws -> [Step]
    /// Full-text search of one branch only, `stepID` and its ancestors (a branch never
    /// sees another branch's events), best first.
    func searchBranch(endingAt stepID: Int64, terms: [String], limit: Int) async throws -> [RetrievedPassage]
    /// In one transaction: the step, its long-term index entry, the world's head.
    /// Fails with `StoreError.headMoved` unless the head is still `expectedHead`.
    func commit(_ draft: StepDraft, expectedHead: Int64?) async throws -> Step
    /// Moves the head to its parent, remembering where it was for `redo`.
    func undo(worldID: Int64) async throws -> World
    func redo(worldID: Int64) async throws -> World
    /// The last step of every branch of a world (steps without children), oldest first.
    func branchEnds(worldID: Int64) async throws -> [Step]
    /// The exact prompt and reply of a step the model wrote (nil for revisions and old steps).
    func trace(stepID: Int64) async throws -> StepTrace?
    /// Moves the head to any step of the world (`goto`); the redo stack is cleared.
    func moveHead(worldID: Int64, to stepID: Int64) async throws -> World
}

extension StoryStore {
    public func createWorld(label: String, premise: Premise) async throws -> World {
        try await createWorld(label: label, premise: premise, ownerID: nil)
    }

    public func position(worldID: Int64) async throws -> WorldPosition {
        try await positionBySeparateReads(worldID: worldID)
    }

    /// The position composed of the other calls, for a store without a one-read query of its
    /// own (each read is its own transaction, so a concurrent change may fall between them).
    /// Also what a store's own query is checked against.
    public func positionBySeparateReads(worldID: Int64) async throws -> WorldPosition {
        guard let world = try await world(id: worldID) else { throw StoreError.noSuchWorld(worldID) }
        guard let headID = world.headStepID else {
            return WorldPosition(world: world, head: nil, opening: nil, searchStart: nil)
        }
        guard let head = try await step(id: headID) else { throw StoreError.noSuchStep(headID) }
        return WorldPosition(world: world, head: head, opening: try await opening(of: head.id),
                             searchStart: try await searchStart(below: head))
    }

    /// Where long-term search starts for the step after `step`: above the passage that is
    /// already in the prompt, skipping revisions, which repeat their parent's passage.
    public func searchStart(below step: Step) async throws -> Int64? {
        var shown = step
        while shown.kind == .revision, let parentID = shown.parentID, let parent = try await self.step(id: parentID) {
            shown = parent
        }
        return shown.parentID
    }
}

public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    case noSuchWorld(Int64)
    case noSuchStep(Int64)
    /// Someone else moved the world on while this step was being written.
    case headMoved
    case nothingToUndo
    case nothingToRedo

    public var description: String {
        switch self {
        case .noSuchWorld(let id): return "there is no world \(id)"
        case .noSuchStep(let id): return "there is no step \(id)"
        case .headMoved: return "the world moved on while this step was being written"
        case .nothingToUndo: return "there is nothing to undo"
        case .nothingToRedo: return "there is nothing to redo"
        }
    }
}
