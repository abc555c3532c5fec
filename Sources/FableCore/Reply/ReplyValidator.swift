/// Checks a reply against the contract of SPEC §1 step 4, field by field, so that a reply
/// whose passage is good keeps it while its other fields are asked for again.
public struct ReplyValidator: Sendable {
    public let settings: StorySettings
    public let echo: PromptEcho

    public init(settings: StorySettings, echo: PromptEcho = .fable) {
        self.settings = settings
        self.echo = echo
    }

    /// Returns the cleaned-up content, or every problem found.
    public func validate(_ reply: StepReply, opening: Bool) throws(ReplyProblem) -> StepContent {
        let partial = PartialReply(reply)
        let problems = problems(in: partial, opening: opening)
        guard problems.isEmpty, let content = content(of: partial, opening: opening) else {
            throw .invalid(problems.items.map(\.text))
        }
        return content
    }

    /// An answer of the model read field by field (`PartialReply.read` keeps every member a
    /// reply cut at the token limit finished), the story's `title` as a heading dropped from
    /// before the passage (`TitleHeading`, as the passage's gate drops it from the screen), and
    /// every field checked: what a step does with each answer, before it keeps the content or
    /// asks again.
    public func check(_ text: String, opening: Bool, title: String = "") -> (reply: PartialReply, problems: ReplyProblems) {
        var reply = PartialReply.read(text)
        reply.passage = reply.passage.map { TitleHeading.dropped(from: $0, title: title) }
        return (reply, problems(in: reply, opening: opening))
    }

    /// The content of a reply that has no problems; nil while a field is missing.
    public func content(of reply: PartialReply, opening: Bool) -> StepContent? {
        guard let passage = reply.passage, let memoryChange = reply.memoryChange, let memory = reply.memory,
              let indexLine = reply.indexLine, let options = reply.options else { return nil }
        if opening && reply.outline == nil { return nil }
        return StepContent(outline: opening ? reply.outline?.trimmingWhitespace : nil, passage: passage.trimmingWhitespace,
                           memoryChange: memoryChange.trimmingWhitespace, memory: memory.trimmingWhitespace,
                           indexLine: indexLine.trimmingWhitespace, options: options.map { $0.trimmingWhitespace })
    }

    /// Every problem of every field the contract asks for.
    public func problems(in reply: PartialReply, opening: Bool) -> ReplyProblems {
        var problems = ReplyProblems()
        for field in ReplyField.required(opening: opening) {
            for text in self.problems(of: field, in: reply) { problems.add(field, text) }
        }
        return problems
    }

    private func problems(of field: ReplyField, in reply: PartialReply) -> [String] {
        if field == .options { return optionProblems(reply.options) }
        let value: String? = switch field {
        case .outline: reply.outline
        case .passage: reply.passage
        case .memoryChange: reply.memoryChange
        case .memory: reply.memory
        case .indexLine: reply.indexLine
        case .options: nil
        }
        guard let text = value?.trimmingWhitespace else { return ["the \(field.rawValue) is missing"] }
        if text.isEmpty { return ["the \(field.rawValue) is empty"] }
        if echo.isEcho(text) { return ["the \(field.rawValue) repeats the instructions instead of telling the story"] }
        if !ProseCheck.isProse(text) { return ["the \(field.rawValue) is not prose"] }
        let words = TextMeasure.words(text)
        if field == .memory && words > settings.memoryWordCap {
            return ["the memory has \(words) words; keep it under \(settings.memoryWordCap)"]
        }
        if field == .outline && words > settings.outlineWordCap {
            return ["the outline has \(words) words; keep it under \(settings.outlineWordCap)"]
        }
        return []
    }

    private func optionProblems(_ options: [String]?) -> [String] {
        guard let options = options?.map(\.trimmingWhitespace) else { return ["the options are missing"] }
        if options.count != 3 { return ["there are \(options.count) options; give exactly 3"] }
        if options.contains(where: \.isEmpty) { return ["an option is empty"] }
        if Set(options.map { $0.lowercased() }).count != 3 { return ["the options repeat; give 3 different ones"] }
        for option in options {
            if let problem = problem(ofOption: option) { return [problem] }
        }
        return []
    }

    /// What is wrong with one option on its own (trimmed, not empty), if anything.
    private func problem(ofOption option: String) -> String? {
        if Self.isFieldNameOrCut(option) {
            return "the option \(option) is not a whole sentence; write each option as a full action"
        }
        if echo.isEcho(option) { return "an option repeats the instructions instead of a move in the story" }
        if !ProseCheck.isProse(option) { return "the option \(option) is not a sentence; write each option as a full action" }
        return nil
    }

    /// The options of `reply` that are usable each on its own, trimmed: what an `OptionPool`
    /// gathers across a step's answers.
    public func usableOptions(in reply: PartialReply) -> [String] {
        (reply.options ?? []).map(\.trimmingWhitespace).filter { !$0.isEmpty && problem(ofOption: $0) == nil }
    }
}

/// What is wrong with a reply, field by field, in words that go back to the model.
public struct ReplyProblems: Sendable, Equatable, CustomStringConvertible {
    public struct Item: Sendable, Equatable {
        public var field: ReplyField
        public var text: String
    }

    public private(set) var items: [Item] = []

    public init() {}

    public mutating func add(_ field: ReplyField, _ text: String) {
        items.append(Item(field: field, text: text))
    }

    public var isEmpty: Bool { items.isEmpty }

    /// The fields with a problem, in contract order.
    public var fields: [ReplyField] { Set(items.map(\.field)).sorted() }

    public var description: String { items.map(\.text).joined(separator: "; ") }
}

extension ReplyValidator {
    static let fieldNames: Set<String> = Set(ReplyField.allCases.map(\.rawValue))

    /// Small models sometimes put a field's name in an option, write JSON into it, or stop one
    /// mid-phrase ("… lit: a"). A move in a story has no braces or brackets.
    static func isFieldNameOrCut(_ option: String) -> Bool {
        let bare = option.lowercased().trimming { ":\"' ".unicodeScalars.contains($0) }
        if fieldNames.contains(bare) { return true }
        if option.contains(where: { "{}[]".contains($0) }) { return true }
        if option.hasSuffix(":") { return true }
        // A colon followed by a single short word at the very end is a cut, not a sentence.
        if let colon = option.lastIndex(of: ":") {
            let tail = String(option[option.index(after: colon)...]).trimming(TextMeasure.isWhitespace)
            return !tail.isEmpty && !tail.contains(" ") && tail.count <= 2
        }
        return false
    }
}

extension String {
    var trimmingWhitespace: String {
        trimming(TextMeasure.isWhitespace)
    }

    /// Without the scalars at either end that `trimmed` holds for. In Swift, not Foundation's
    /// `trimmingCharacters`, and no copy when there is nothing to trim: every field of every
    /// reply is trimmed.
    func trimming(_ trimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        if !trimmed(first), !trimmed(last) { return self }
        guard let start = scalars.firstIndex(where: { !trimmed($0) }),
              let end = scalars.lastIndex(where: { !trimmed($0) }) else { return "" }
        return String(scalars[start...end])
    }
}
