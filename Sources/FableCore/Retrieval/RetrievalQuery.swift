/// What long-term search looks for before a step: what the next passage is about, and,
/// weighed less, the short-term memory. A memory of up to 250 words beside a ten-word
/// instruction would drown it (in one vector, or as most of BM25's terms), so the two are
/// searched apart and their rankings fused.
public struct RetrievalQuery: Sendable, Equatable {
    /// Each searched on its own: the instruction; in unattended steps the options the model
    /// chooses among (the next passage follows one of them); with no instruction the last
    /// passage's index line and options, the threads it left open.
    public var focus: [String]
    public var memory: String

    public init(focus: [String], memory: String) {
        self.focus = focus.map(\.trimmed).filter { !$0.isEmpty }
        self.memory = memory.trimmed
    }

    /// The query before the step that follows `parent` with `instruction`.
    public static func next(instruction: Instruction, after parent: StepContent) -> RetrievalQuery {
        switch instruction {
        case .option, .custom:
            return RetrievalQuery(focus: [instruction.text(options: parent.options)], memory: parent.memory)
        case .auto:
            return RetrievalQuery(focus: parent.options, memory: parent.memory)
        case .proceed:
            return RetrievalQuery(focus: [parent.indexLine] + parent.options, memory: parent.memory)
        }
    }

    /// A query of one text (a reader's `recall`, a benchmark's question), with the memory.
    public static func text(_ text: String, memory: String = "") -> RetrievalQuery {
        RetrievalQuery(focus: [text], memory: memory)
    }
}
