/// Everything one step's prompt is made from.
public struct StepContext: Sendable, Equatable {
    public var premise: Premise
    /// nil for the opening step, which writes it.
    public var outline: String?
    public var memory: String
    public var lastPassage: String
    /// Best first.
    public var retrieved: [RetrievedPassage]
    /// The head step's options, for `Instruction.auto`.
    public var options: [String]
    public var instruction: Instruction

    public init(premise: Premise, outline: String? = nil, memory: String = "", lastPassage: String = "",
                retrieved: [RetrievedPassage] = [], options: [String] = [], instruction: Instruction = .proceed) {
        self.premise = premise
        self.outline = outline
        self.memory = memory
        self.lastPassage = lastPassage
        self.retrieved = retrieved
        self.options = options
        self.instruction = instruction
    }

    public var isOpening: Bool { outline == nil }
}

/// A built prompt and what went into it.
public struct Prompt: Sendable, Equatable {
    public var messages: [ChatMessage]
    public var estimatedTokens: Int
    /// The retrieved passages that fit the budget, in the order given.
    public var retrievedStepIDs: [Int64]

    public var characters: Int { messages.reduce(0) { $0 + $1.content.count } }
}

/// Builds a step's prompt under the token budget. Retrieved passages are trimmed
/// first, then the last passage (its start), then the premise; the contract never.
public struct PromptBuilder: Sendable {
    public let settings: StorySettings

    public init(settings: StorySettings) {
        self.settings = settings
    }

    public func build(_ context: StepContext) -> Prompt {
        var parts = Parts(context: context, settings: settings)
        let budget = settings.promptTokenBudget
        var tokens = parts.tokens
        // Each retrieved passage, worst-ranked first, is trimmed once, then dropped.
        var trimmed = Set<Int>()
        while tokens > budget, let last = parts.retrieved.indices.last {
            let keep = TextMeasure.tokens(parts.retrieved[last].passage) - (tokens - budget) - Self.ellipsisTokens
            if keep >= 40 && !trimmed.contains(last) {
                parts.retrieved[last].passage = Self.keepStart(of: parts.retrieved[last].passage, tokens: keep) + " …"
                trimmed.insert(last)
            } else {
                parts.retrieved.removeLast()
            }
            tokens = parts.tokens
        }
        if tokens > budget {
            let keep = max(50, TextMeasure.tokens(parts.lastPassage) - (tokens - budget) - Self.ellipsisTokens)
            parts.lastPassage = "… " + Self.keepEnd(of: parts.lastPassage, tokens: keep)
            tokens = parts.tokens
        }
        if tokens > budget {
            let keep = max(50, TextMeasure.tokens(parts.premiseBody) - (tokens - budget) - Self.ellipsisTokens)
            parts.premiseBody = Self.keepStart(of: parts.premiseBody, tokens: keep) + " …"
            tokens = parts.tokens
        }
        return Prompt(messages: parts.messages, estimatedTokens: tokens,
                      retrievedStepIDs: parts.retrieved.map(\.stepID))
    }

    /// The corrective note sent with a retry after a rejected reply.
    public func correction(for problem: ReplyProblem) -> ChatMessage {
        ChatMessage(.user, PromptText.correction.replacingOccurrences(of: "{problem}", with: problem.description))
    }

    /// What the " …" that marks a cut costs, with a token of slack for rounding.
    static let ellipsisTokens = 3

    static func keepStart(of text: String, tokens: Int) -> String {
        var used = 0
        var ascii = 0
        var end = text.unicodeScalars.startIndex
        for index in text.unicodeScalars.indices {
            let scalar = text.unicodeScalars[index]
            if scalar.isASCII { ascii += 1; if ascii % 4 == 1 { used += 1 } } else { used += 1 }
            if used > tokens { break }
            end = text.unicodeScalars.index(after: index)
        }
        return String(text.unicodeScalars[..<end])
    }

    static func keepEnd(of text: String, tokens: Int) -> String {
        let reversed = String(String.UnicodeScalarView(text.unicodeScalars.reversed()))
        let kept = keepStart(of: reversed, tokens: tokens)
        return String(String.UnicodeScalarView(kept.unicodeScalars.reversed()))
    }
}

/// The prompt's parts, before and after trimming.
private struct Parts {
    let context: StepContext
    let settings: StorySettings
    var premiseBody: String
    var lastPassage: String
    var retrieved: [RetrievedPassage]

    init(context: StepContext, settings: StorySettings) {
        self.context = context
        self.settings = settings
        premiseBody = context.premise.body
        lastPassage = context.lastPassage
        retrieved = context.retrieved
    }

    var tokens: Int { messages.reduce(0) { $0 + TextMeasure.tokens($1.content) + 4 } }

    var messages: [ChatMessage] {
        [ChatMessage(.system, system), ChatMessage(.user, user)]
    }

    var system: String {
        let premise = context.premise
        let role = PromptText.role
            .replacingOccurrences(of: "{title}", with: premise.title)
            .replacingOccurrences(of: "{genre}", with: premise.genre.isEmpty ? "any" : premise.genre)
            .replacingOccurrences(of: "{style}", with: premise.style.isEmpty ? "vivid and clear" : premise.style)
            .replacingOccurrences(of: "{language}", with: PromptText.languageName(premise.language))
        let mode = premise.mode == .novel ? PromptText.novel : PromptText.adventure
        let outlineField = context.isOpening
            ? PromptText.outlineField.replacingOccurrences(of: "{outlineCap}", with: "\(settings.outlineWordCap)")
            : ""
        let contract = PromptText.contract
            .replacingOccurrences(of: "{outlineField}", with: outlineField)
            .replacingOccurrences(of: "{memoryCap}", with: "\(settings.memoryWordCap)")
        return [role, mode, contract].joined(separator: "\n\n")
    }

    var user: String {
        var sections: [String] = ["\(PromptText.sectionPremise)\n\(premiseBody)"]
        if let outline = context.outline {
            sections.append("\(PromptText.sectionOutline)\n\(outline)")
        }
        if !context.memory.isEmpty {
            sections.append("\(PromptText.sectionMemory)\n\(context.memory)")
        }
        if !retrieved.isEmpty {
            let entries = retrieved.map { "(step \($0.depth)) \($0.indexLine)\n\($0.passage)" }
            sections.append("\(PromptText.sectionRetrieved)\n" + entries.joined(separator: "\n\n"))
        }
        if !lastPassage.isEmpty {
            sections.append("\(PromptText.sectionLastPassage)\n\(lastPassage)")
        }
        sections.append("\(PromptText.sectionInstruction)\n\(instructionText)\n\n\(PromptText.finalNudge)")
        return sections.joined(separator: "\n\n")
    }

    var instructionText: String {
        if context.isOpening { return PromptText.openingInstruction }
        switch context.instruction {
        case .proceed:
            return PromptText.proceedInstruction
        case .auto:
            let list = context.options.enumerated().map { "\($0.offset + 1). \($0.element)" }
            return ([PromptText.autoInstruction] + list).joined(separator: "\n")
        case .option, .custom:
            let text = context.instruction.text(options: context.options)
            return String(text.prefix(settings.instructionCharacterCap))
        }
    }
}
