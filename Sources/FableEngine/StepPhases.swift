import FableCore

/// The step a new step follows, with what the prompt takes from its branch.
public struct StepParent: Sendable {
    public var step: Step
    /// The outline, from the branch's opening.
    public var outline: String
    /// Where long-term search starts (see `StoryStore.searchStart(below:)`).
    public var searchStart: Int64?

    public init(step: Step, outline: String, searchStart: Int64?) {
        self.step = step
        self.outline = outline
        self.searchStart = searchStart
    }
}

/// The phases of a step, each a function of its own. `Storyteller`'s steps run them in this
/// order, and `fable bench step` times them one by one through these same functions, so a
/// benchmark figure is always the cost of the engine's own code.
extension Storyteller {
    /// The head a new step follows, from the world's position (one read:
    /// `StoryStore.position(worldID:)`).
    public func parent(at position: WorldPosition) throws -> StepParent {
        guard let head = position.head else { throw StepError.wrongState("the story has not begun yet") }
        return StepParent(step: head, outline: position.opening?.content.outline ?? "", searchStart: position.searchStart)
    }

    /// What the prompt needs: the outline, the memory, the last passage and the retrieved
    /// passages, all from the parent's branch, and the reader's wishes.
    public func context(world: World, parent: StepParent?, instruction: Instruction,
                        preferences: ReaderPreferences = .none) async throws -> StepContext {
        var context = StepContext(premise: world.premise)
        if let parent {
            let step = parent.step
            // The parent's own passage is already in the prompt: search above it.
            var retrieved: [RetrievedPassage] = []
            if let above = parent.searchStart {
                retrieved = try await retriever.search(endingAt: above,
                                                       query: .next(instruction: instruction, after: step.content),
                                                       limit: settings.retrievalCount).passages
            }
            context = StepContext(premise: world.premise, outline: parent.outline, memory: step.content.memory,
                                  lastPassage: step.content.passage, retrieved: retrieved,
                                  options: step.content.options, instruction: instruction)
        }
        context.preferences = preferences
        context.pins = parent?.step.content.pins ?? []
        return context
    }

    /// The prompt, within the budget counted in the model's own tokens (`TokenCalibration`).
    public func prompt(for context: StepContext) -> Prompt {
        var budgeted = settings
        budgeted.promptTokenBudget = calibration.budget(settings.promptTokenBudget)
        return PromptBuilder(settings: budgeted).build(context)
    }

    // The model's answer streams through `StreamedReply` (decoder and gate) and is read and
    // checked by `ReplyValidator.check` and `content(of:opening:)`, in `ReplyLoop`.

    /// The commit: one transaction, only if the head is still `expectedHead`.
    public func commit(_ draft: StepDraft, expectedHead: Int64?) async throws -> Step {
        try await store.commit(draft, expectedHead: expectedHead)
    }

    /// A committed step's long-term index entries: its pieces' vectors and, at the same time,
    /// its options' query vectors (the next step's queries). Nothing without an embedder; when
    /// the embedding fails, a later step's backfill makes them. `Storyteller` runs it after the
    /// step is shown (`StepIndexing`). Returns whether the pieces' vectors were stored.
    @discardableResult
    public func index(_ step: Step) async -> Bool {
        async let prepared: Void = retriever.prepareQueries(step.content.options)
        var stored = false
        if let vectors = await retriever.embedPieces(step.content) {
            stored = await retriever.storeVectors(vectors, stepID: step.id)
        }
        await prepared
        return stored
    }
}
