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
    /// The reader's wishes (length, tone, what to leave out), in every prompt when set.
    public var preferences: ReaderPreferences
    /// Facts the reader pinned; they join the canon and, like it, are never trimmed.
    public var pins: [String] = []

    public init(premise: Premise, outline: String? = nil, memory: String = "", lastPassage: String = "",
                retrieved: [RetrievedPassage] = [], options: [String] = [], instruction: Instruction = .proceed,
                preferences: ReaderPreferences = .none) {
        self.premise = premise
        self.outline = outline
        self.memory = memory
        self.lastPassage = lastPassage
        self.retrieved = retrieved
        self.options = options
        self.instruction = instruction
        self.preferences = preferences
    }

    public var isOpening: Bool { outline == nil }
}

/// A built prompt and what went into it.
public struct Prompt: Sendable, Equatable {
    public var messages: [ChatMessage]
    public var estimatedTokens: Int
    /// The retrieved passages that fit the budget, in the order given.
    public var retrievedStepIDs: [Int64]
    /// The lore entries in the prompt, most urgent first.
    public var lore: [LoreEntry] = []

    public var characters: Int { messages.reduce(0) { $0 + $1.content.count } }
}

/// Builds a step's prompt under the token budget. Retrieved passages are trimmed
/// first, then lore entries dropped (least urgent first), then the last passage (its
/// start), then the premise; never the canon, the outline, the memory, the reader's
/// wishes, the instruction or the contract.
public struct PromptBuilder: Sendable {
    public let settings: StorySettings

    public init(settings: StorySettings) {
        self.settings = settings
    }

    public func build(_ context: StepContext) -> Prompt {
        var parts = Parts(context: context, settings: settings)
        let budget = settings.promptTokenBudget
        var user = parts.user
        var tokens = parts.tokens(user: user)
        func remeasure() {
            user = parts.user
            tokens = parts.tokens(user: user)
        }
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
            remeasure()
        }
        // Then lore: triggered by a key in the text right now, so it outranks a search hit.
        while tokens > budget, !parts.lore.isEmpty {
            parts.lore.removeLast()
            remeasure()
        }
        if tokens > budget {
            let keep = max(50, TextMeasure.tokens(parts.lastPassage) - (tokens - budget) - Self.ellipsisTokens)
            parts.lastPassage = "… " + Self.keepEnd(of: parts.lastPassage, tokens: keep)
            remeasure()
        }
        if tokens > budget {
            let keep = max(50, TextMeasure.tokens(parts.premiseBody) - (tokens - budget) - Self.ellipsisTokens)
            parts.premiseBody = Self.keepStart(of: parts.premiseBody, tokens: keep) + " …"
            remeasure()
        }
        return Prompt(messages: [ChatMessage(.system, parts.system), ChatMessage(.user, user)], estimatedTokens: tokens,
                      retrievedStepIDs: parts.retrieved.map(\.stepID), lore: parts.lore)
    }

    /// The share of the budget that triggered lore may take before any trimming.
    static let loreShare = 4

    /// The triggered lore entries, most urgent first, that fit in `tokens`: a key in the
    /// instruction first, then the last passage, then the memory. The opening step, which
    /// has none of those, matches the premise itself.
    static func lore(for context: StepContext, instruction: String, tokens: Int) -> [LoreEntry] {
        let sources = context.isOpening ? [context.premise.body] : [instruction, context.lastPassage, context.memory]
        var used = 0
        var chosen: [LoreEntry] = []
        for entry in LoreMatcher.triggered(context.premise.lore, in: sources) {
            let cost = TextMeasure.tokens(entry.text) + 2
            if used + cost <= tokens {
                chosen.append(entry)
                used += cost
            }
        }
        return chosen
    }

    /// The follow-up that asks again for the fields with `problems` alone, after a reply whose
    /// `passage` is kept; it goes after the step's own prompt.
    public func repair(_ problems: ReplyProblems, passage: String) -> ChatMessage {
        let fields = problems.fields.map(\.rawValue)
        let list = fields.count == 1 ? fields[0] : fields.dropLast().joined(separator: ", ") + " and " + fields.last!
        return ChatMessage(.user, PromptTemplate.fill(PromptText.repair, [
            "passage": passage, "problems": problems.description, "fields": list,
        ]))
    }

    /// The corrective note sent with a retry after a rejected reply.
    public func correction(for problem: ReplyProblem) -> ChatMessage {
        ChatMessage(.user, PromptTemplate.fill(PromptText.correction, ["problem": problem.description]))
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
    /// The system message: nothing in it is trimmed, so it is written once.
    let system: String
    let systemTokens: Int
    var premiseBody: String
    var lastPassage: String
    var retrieved: [RetrievedPassage]
    var lore: [LoreEntry]

    init(context: StepContext, settings: StorySettings) {
        self.context = context
        self.settings = settings
        system = Self.system(context: context, settings: settings)
        systemTokens = TextMeasure.tokens(system)
        premiseBody = context.premise.body
        lastPassage = context.lastPassage
        retrieved = context.retrieved
        lore = []
        lore = PromptBuilder.lore(for: context, instruction: loreInstructionText,
                                  tokens: settings.promptTokenBudget / PromptBuilder.loreShare)
    }

    /// The estimate for both messages, four tokens each for the message's framing.
    func tokens(user: String) -> Int { systemTokens + 4 + TextMeasure.tokens(user) + 4 }

    private static func system(context: StepContext, settings: StorySettings) -> String {
        let premise = context.premise
        let role = PromptTemplate.fill(PromptText.role, [
            "title": premise.title,
            "genre": premise.genre.isEmpty ? "any" : premise.genre,
            "style": premise.style.isEmpty ? "vivid and clear" : premise.style,
            "language": PromptText.languageName(premise.language),
            "rating": PromptText.rating(premise.rating),
        ])
        let mode = PromptTemplate.fill(premise.mode == .novel ? PromptText.novel : PromptText.adventure,
                                       ["words": PromptText.passageWords(premise.mode, context.preferences.passageLength)])
        let outlineField = context.isOpening
            ? PromptTemplate.fill(PromptText.outlineField, ["outlineCap": "\(settings.outlineWordCap)"])
            : ""
        let contract = PromptTemplate.fill(PromptText.contract, [
            "outlineField": outlineField,
            "memoryCap": "\(settings.memoryWordCap)",
        ])
        return [role, mode, contract].joined(separator: "\n\n")
    }

    var user: String {
        var sections: [String] = ["\(PromptText.sectionPremise)\n\(premiseBody)"]
        let canon = (context.premise.canon + context.pins).filter { !$0.isEmpty }
        if !canon.isEmpty {
            sections.append("\(PromptText.sectionCanon)\n" + canon.map { "- \($0)" }.joined(separator: "\n"))
        }
        if let outline = context.outline {
            sections.append("\(PromptText.sectionOutline)\n\(outline)")
        }
        // Above: what stays the same from step to step on a branch, so a server's prompt cache
        // (llama.cpp's slots, hosted prompt caching) reuses it. Below: what every step changes.
        if !context.memory.isEmpty {
            sections.append("\(PromptText.sectionMemory)\n\(context.memory)")
        }
        if !lore.isEmpty {
            sections.append("\(PromptText.sectionLore)\n" + lore.map { "- \($0.text)" }.joined(separator: "\n"))
        }
        if !retrieved.isEmpty {
            let entries = retrieved.map { found in
                guard found.isBrief else { return "(step \(found.depth)) \(found.indexLine)\n\(found.passage)" }
                return "(step \(found.depth)) \(found.indexLine)" + (found.passage == found.indexLine ? "" : " \(found.passage)")
            }
            sections.append("\(PromptText.sectionRetrieved)\n" + entries.joined(separator: "\n\n"))
        }
        if !lastPassage.isEmpty {
            sections.append("\(PromptText.sectionLastPassage)\n\(lastPassage)")
        }
        if let wishes {
            sections.append("\(PromptText.sectionWishes)\n\(wishes)")
        }
        sections.append("\(PromptText.sectionInstruction)\n\(instructionText)\n\n\(PromptText.finalNudge)")
        return sections.joined(separator: "\n\n")
    }

    /// The reader's preferences, one line each; nil when there are none.
    var wishes: String? {
        let preferences = context.preferences
        guard !preferences.isEmpty else { return nil }
        // The reader's own words: one line, bounded, and no double quotes (see docs/prompts.md).
        func clean(_ text: String) -> String {
            let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
                .replacingOccurrences(of: "\"", with: "'").trimmingCharacters(in: .whitespaces)
            return String(flat.prefix(Self.wishCharacterCap))
        }
        var lines: [String] = []
        if let length = preferences.passageLength {
            lines.append(PromptTemplate.fill(PromptText.wishLength, [
                "length": length.rawValue,
                "words": PromptText.passageWords(context.premise.mode, length),
            ]))
        }
        let tone = clean(preferences.tone)
        if !tone.isEmpty { lines.append(PromptTemplate.fill(PromptText.wishTone, ["tone": tone])) }
        let avoid = clean(preferences.avoid)
        if !avoid.isEmpty { lines.append(PromptTemplate.fill(PromptText.wishAvoid, ["avoid": avoid])) }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }

    static let wishCharacterCap = 200

    /// The instruction's words as lore sees them: the option chosen, the reader's words,
    /// or for unattended play all three options.
    var loreInstructionText: String {
        switch context.instruction {
        case .auto: return context.options.joined(separator: "\n")
        default: return context.instruction.text(options: context.options)
        }
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
