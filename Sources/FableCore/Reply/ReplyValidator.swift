/// Checks a parsed reply against the contract of SPEC §1 step 4.
public struct ReplyValidator: Sendable {
    public let settings: StorySettings

    public init(settings: StorySettings) {
        self.settings = settings
    }

    /// Returns the cleaned-up content, or every problem found.
    public func validate(_ reply: StepReply, opening: Bool) throws(ReplyProblem) -> StepContent {
        var problems: [String] = []
        let passage = reply.passage.trimmingWhitespace
        let memory = reply.memory.trimmingWhitespace
        let options = reply.options.map { $0.trimmingWhitespace }
        let outline = reply.outline?.trimmingWhitespace ?? ""

        if passage.isEmpty { problems.append("the passage is empty") }
        if memory.isEmpty { problems.append("the memory is empty") }
        let memoryWords = TextMeasure.words(memory)
        if memoryWords > settings.memoryWordCap {
            problems.append("the memory has \(memoryWords) words; keep it under \(settings.memoryWordCap)")
        }
        if reply.indexLine.trimmingWhitespace.isEmpty { problems.append("the index_line is empty") }
        if options.count != 3 {
            problems.append("there are \(options.count) options; give exactly 3")
        } else if options.contains(where: \.isEmpty) {
            problems.append("an option is empty")
        } else if Set(options.map { $0.lowercased() }).count != 3 {
            problems.append("the options repeat; give 3 different ones")
        } else if let bad = options.first(where: Self.isFieldNameOrCut) {
            problems.append("the option \(bad) is not a whole sentence; write each option as a full action")
        }
        if opening {
            if outline.isEmpty { problems.append("the outline is empty") }
            let outlineWords = TextMeasure.words(outline)
            if outlineWords > settings.outlineWordCap {
                problems.append("the outline has \(outlineWords) words; keep it under \(settings.outlineWordCap)")
            }
        }
        guard problems.isEmpty else { throw .invalid(problems) }
        return StepContent(outline: opening ? outline : nil, passage: passage,
                           memoryChange: reply.memoryChange.trimmingWhitespace, memory: memory,
                           indexLine: reply.indexLine.trimmingWhitespace, options: options)
    }
}

extension ReplyValidator {
    static let fieldNames: Set<String> = ["outline", "passage", "memory", "memory_change", "index_line", "options"]

    /// Small models sometimes put a field's name in an option, or stop one mid-phrase ("… lit: a").
    static func isFieldNameOrCut(_ option: String) -> Bool {
        let bare = option.lowercased().trimming { ":\"' ".unicodeScalars.contains($0) }
        if fieldNames.contains(bare) { return true }
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
    /// `trimmingCharacters`, and no copy when there is nothing to trim: validating a reply
    /// trims every field (issue 7).
    func trimming(_ trimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return self }
        if !trimmed(first), !trimmed(last) { return self }
        guard let start = scalars.firstIndex(where: { !trimmed($0) }),
              let end = scalars.lastIndex(where: { !trimmed($0) }) else { return "" }
        return String(scalars[start...end])
    }
}
