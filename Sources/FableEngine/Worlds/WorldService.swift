import FableCore

/// The one way a front end reaches a world: writing steps (through `Storyteller`), moving about
/// its branches, looking back, and editing what the storyteller keeps in mind. `fable serve`
/// and `fable play` both call it, so neither touches the store and both behave alike.
public struct WorldService: Sendable {
    public let storyteller: Storyteller

    public init(storyteller: Storyteller) {
        self.storyteller = storyteller
    }

    private var store: any StoryStore { storyteller.store }

    // MARK: Worlds

    public func createWorld(label: String, premise: Premise, ownerID: Int64? = nil) async throws -> World {
        try await store.createWorld(label: label, premise: premise, ownerID: ownerID)
    }

    /// An account's worlds, oldest first.
    public func worlds(ownerID: Int64) async throws -> [World] {
        try await store.worlds(ownerID: ownerID)
    }

    public func world(id: Int64) async throws -> World? {
        try await store.world(id: id)
    }

    /// The most recently created world of a story.
    public func latestWorld(storyID: String) async throws -> World? {
        try await store.latestWorld(storyID: storyID)
    }

    /// The world's current step; nil when the story has not begun.
    public func head(worldID: Int64) async throws -> Step? {
        guard let world = try await store.world(id: worldID) else { throw StoreError.noSuchWorld(worldID) }
        guard let headID = world.headStepID else { return nil }
        return try await store.step(id: headID)
    }

    // MARK: Writing steps

    public func begin(worldID: Int64, preferences: ReaderPreferences = .none,
                      events: @escaping Storyteller.StepEvents) async throws -> Step {
        try await storyteller.begin(worldID: worldID, preferences: preferences, events: events)
    }

    public func advance(worldID: Int64, instruction: Instruction, preferences: ReaderPreferences = .none,
                        events: @escaping Storyteller.StepEvents) async throws -> Step {
        try await storyteller.advance(worldID: worldID, instruction: instruction, preferences: preferences, events: events)
    }

    public func retry(worldID: Int64, preferences: ReaderPreferences = .none,
                      events: @escaping Storyteller.StepEvents) async throws -> Step {
        try await storyteller.retry(worldID: worldID, preferences: preferences, events: events)
    }

    /// `begin`, `advance` and `retry` as streams of events, ending after `.committed`; ending
    /// the iteration cancels the step.
    public func begin(worldID: Int64, preferences: ReaderPreferences = .none) -> AsyncThrowingStream<StepEvent, any Error> {
        storyteller.begin(worldID: worldID, preferences: preferences)
    }

    public func advance(worldID: Int64, instruction: Instruction,
                        preferences: ReaderPreferences = .none) -> AsyncThrowingStream<StepEvent, any Error> {
        storyteller.advance(worldID: worldID, instruction: instruction, preferences: preferences)
    }

    public func retry(worldID: Int64, preferences: ReaderPreferences = .none) -> AsyncThrowingStream<StepEvent, any Error> {
        storyteller.retry(worldID: worldID, preferences: preferences)
    }

    // MARK: Moving about

    /// Back one step; returns the new head (nil when that leaves the story unbegun).
    public func undo(worldID: Int64) async throws -> Step? {
        try await headOf(store.undo(worldID: worldID))
    }

    /// Forward again to the step `undo` left.
    public func redo(worldID: Int64) async throws -> Step? {
        try await headOf(store.redo(worldID: worldID))
    }

    /// The end of every branch, oldest first, and which one the world is on.
    public func branches(worldID: Int64) async throws -> Branches {
        let ends = try await store.branchEnds(worldID: worldID)
        return Branches(ends: ends, headID: try await store.world(id: worldID)?.headStepID)
    }

    /// Moves to the end of branch `number` (counted from 1, as `branches` shows them).
    public func goTo(worldID: Int64, branch number: Int) async throws -> Step? {
        let ends = try await store.branchEnds(worldID: worldID)
        guard ends.indices.contains(number - 1) else { throw WorldServiceError.noSuchBranch(count: ends.count) }
        return try await headOf(store.moveHead(worldID: worldID, to: ends[number - 1].id))
    }

    private func headOf(_ world: World) async throws -> Step? {
        guard let headID = world.headStepID else { return nil }
        return try await store.step(id: headID)
    }

    // MARK: Looking back

    /// The passages of the head's branch, opening first; revisions (which repeat their
    /// parent's passage) left out, so each passage comes once.
    public func storySteps(worldID: Int64) async throws -> [Step] {
        guard let head = try await head(worldID: worldID) else { return [] }
        return try await store.path(to: head.id).filter { $0.kind == .story }
    }

    /// Long-term search of the head's branch, by words and by meaning.
    public func recall(_ words: String, worldID: Int64) async throws -> [RetrievedPassage] {
        guard let head = try await head(worldID: worldID) else { return [] }
        await storyteller.indexed(worldID: worldID)
        return try await storyteller.retriever.recall(words, endingAt: head.id)
    }

    /// The story so far as Markdown, with the reader's instructions, and how many steps it holds.
    public func markdown(worldID: Int64) async throws -> (text: String, steps: Int) {
        guard let world = try await store.world(id: worldID) else { throw StoreError.noSuchWorld(worldID) }
        let steps = try await storySteps(worldID: worldID)
        return (StoryMarkdown.render(title: world.premise.title, steps: steps, instructions: true), steps.count)
    }

    // MARK: Memory

    /// A memory edit, pin or unpin, kept as a revision step (`undo` takes it back).
    public func revise(worldID: Int64, _ revision: MemoryRevision) async throws -> Step {
        try await storyteller.revise(worldID: worldID, revision)
    }

    /// Everything the storyteller knows about a world, for admins and `fable inspect`.
    public func inspect(world: World, reader: Account? = nil) async throws -> Inspection {
        try await storyteller.inspect(world: world, reader: reader)
    }

    /// Whether long-term search runs with meaning (dense) or by words alone.
    public var denseStatus: DenseStatus { storyteller.retriever.denseStatus }
}

/// A world's branches as `branches` lists them.
public struct Branches: Sendable {
    public var ends: [Step]
    /// The step the world is on.
    public var headID: Int64?
}

public enum WorldServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    case noSuchBranch(count: Int)

    public var description: String {
        switch self {
        case .noSuchBranch(let count): return "choose a branch from 1 to \(count) (see `branches`)"
        }
    }
}
