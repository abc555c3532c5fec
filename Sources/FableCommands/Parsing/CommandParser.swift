/// A line the reader typed, understood.
public enum ParsedLine: Sendable {
    case empty
    case command(any Command)
    /// A command word with arguments it cannot take, with how to write it instead.
    case misuse(String)
    /// A single word close to a command: probably a typo.
    case nearMiss(typed: String, suggestions: [String])
    /// The reader's own words for what happens next; `hint` tells how to write a command the
    /// line might have meant.
    case instruction(String, hint: String?)
}

/// Turns a line into a command of the offered sets. A command word only counts as one when
/// its arguments fit (each command decides); otherwise the line is the reader's instruction.
/// A line that starts with a quote mark is always an instruction: dialogue.
public struct CommandParser: Sendable {
    public let sets: [CommandSet]
    private let byWord: [String: any Command.Type]
    /// Every command word but the admins', for near-miss suggestions.
    public let words: [String]

    public init(sets: [CommandSet]) {
        self.sets = sets
        var byWord: [String: any Command.Type] = [:]
        for set in sets {
            for command in set.commands {
                for word in command.words where byWord[word] == nil { byWord[word] = command }
            }
        }
        self.byWord = byWord
        words = sets.flatMap { $0.commands }.flatMap { $0.words }.filter { !$0.hasPrefix("@") }
    }

    public func parse(_ line: String) -> ParsedLine {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard let first = text.first else { return .empty }
        if first == "\"" || first == "'" || first == "“" { return .instruction(text, hint: nil) }
        var (word, rest) = Arguments.split(text)
        if rest.isEmpty, let number = Int(word), byWord[Choose.name] != nil {
            return .command(Choose(number: number))
        }
        // `recall: WORDS` is `recall` in its explicit form.
        if word.count > 1, word.hasSuffix(":"), byWord[String(word.dropLast())] != nil {
            word.removeLast()
            rest = ":" + rest
        }
        // An `@` word no admin command has goes to the command registered as "@", whole.
        let catchAll = word.hasPrefix("@") && byWord[word] == nil
        if let type = catchAll ? byWord["@"] : byWord[word] {
            switch type.parse(catchAll ? String(text.dropFirst()) : rest) {
            case .command(let command): return .command(command)
            case .misuse(let advice): return .misuse(advice)
            case .instruction(let hint): return .instruction(text, hint: hint)
            }
        }
        if rest.isEmpty {
            let near = NearMiss.suggestions(for: word, among: words)
            if !near.isEmpty { return .nearMiss(typed: word, suggestions: near) }
        }
        return .instruction(text, hint: nil)
    }
}
