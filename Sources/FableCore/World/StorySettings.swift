/// The knobs of the recurrence step, with the defaults of SPEC §1.
public struct StorySettings: Sendable, Equatable {
    /// Earlier passages retrieved from long-term memory each step.
    public var retrievalCount: Int
    /// Estimated prompt tokens; retrieved text is trimmed first, the contract never.
    public var promptTokenBudget: Int
    /// Word cap of the short-term memory.
    public var memoryWordCap: Int
    /// Word cap of the opening outline, which stays in every prompt.
    public var outlineWordCap: Int
    /// Retries after the first reply fails validation.
    public var maxReplyRetries: Int
    /// Characters of the reader's own instruction that reach the prompt.
    public var instructionCharacterCap: Int
    /// Put length and item-count limits in the reply's JSON Schema (see `ReplySchema`).
    public var constrainReplyLengths: Bool

    public init(retrievalCount: Int = 3, promptTokenBudget: Int = 3000, memoryWordCap: Int = 250,
                outlineWordCap: Int = 200, maxReplyRetries: Int = 2, instructionCharacterCap: Int = 1000,
                constrainReplyLengths: Bool = true) {
        self.retrievalCount = retrievalCount
        self.promptTokenBudget = promptTokenBudget
        self.memoryWordCap = memoryWordCap
        self.outlineWordCap = outlineWordCap
        self.maxReplyRetries = maxReplyRetries
        self.instructionCharacterCap = instructionCharacterCap
        self.constrainReplyLengths = constrainReplyLengths
    }

    public static let `default` = StorySettings()
}
