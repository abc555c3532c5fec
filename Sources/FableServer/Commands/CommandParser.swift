/// Turns a line into a `ReaderCommand`. A command word only counts as one when its
/// arguments fit; otherwise, in a world, the line is the reader's instruction
/// ("read the letter" is an instruction, "read 3" is a command). A line that starts
/// with a quote mark is always an instruction: dialogue.
public enum CommandParser {
    /// Every command word, for help and near-miss suggestions.
    public static let words = [
        "edit", "retry", "undo", "redo", "branches", "goto", "continue", "auto", "stop", "memory",
        "pin", "unpin", "recall", "recap", "read", "history", "export", "worlds", "new", "play", "stories", "settings",
        "help", "who", "quit",
    ]

    public static func parse(_ line: String) -> ReaderCommand {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard let first = text.first else { return .empty }
        if first == "\"" || first == "'" || first == "“" { return .instruction(text) }
        if first == "@" { return .admin(parseAdmin(String(text.dropFirst()))) }
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        let word = parts[0].lowercased()
        let rest = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        let number = Int(rest)
        if rest.isEmpty, let choice = Int(word) { return .choose(choice) }
        switch (word, rest.isEmpty) {
        case ("retry", true): return .retry
        case ("undo", true): return .undo
        case ("redo", true): return .redo
        case ("branches", true): return .branches
        case ("continue", true), ("c", true): return .proceed
        case ("stop", true): return .stop
        case ("memory", true): return .memory
        case ("recap", true): return .recap
        case ("export", true): return .export
        case ("worlds", true): return .worlds
        case ("stories", true): return .stories
        case ("who", true): return .who
        case ("quit", true), ("exit", true), ("logout", true): return .quit
        case ("new", true): return .new(nil)
        case ("help", true), ("?", true): return .help(nil)
        case ("read", true), ("history", true): return .read(nil)
        case ("settings", true): return .settings([])
        case ("read", false), ("history", false):
            if let number { return .read(number) }
        case ("goto", false):
            if let number { return .goto(number) }
            return .misuse("goto takes the number of a branch from `branches`, e.g. `goto 2`")
        case ("goto", true):
            return .misuse("goto takes the number of a branch from `branches`, e.g. `goto 2`")
        case ("play", false):
            if let number { return .play(number) }
        case ("play", true):
            return .misuse("play takes the number of one of your worlds from `worlds`, e.g. `play 1`")
        case ("auto", false):
            if let number { return .auto(number) }
        case ("auto", true):
            return .auto(1)
        case ("new", false):
            if !rest.contains(" ") { return .new(rest) }
        case ("memory", false):
            if rest.lowercased().hasPrefix("edit") {
                let text = rest.dropFirst(4).trimmingCharacters(in: .whitespaces)
                return text.isEmpty ? .misuse("memory edit NEW MEMORY replaces the short-term memory with your text")
                                    : .editMemory(text)
            }
        case ("pin", false):
            return .pin(rest)
        case ("pin", true):
            return .misuse("pin takes a fact to keep, e.g. `pin The lighthouse lamp must never go out`")
        case ("unpin", false):
            if let number { return .unpin(number) }
            return .misuse("unpin takes the number of a pin from `memory`, e.g. `unpin 1`")
        case ("unpin", true):
            return .misuse("unpin takes the number of a pin from `memory`, e.g. `unpin 1`")
        case ("recall", false):
            return .recall(rest)
        case ("recall", true):
            return .misuse("recall takes words to look for, e.g. `recall the lighthouse keeper`")
        case ("help", false):
            return .help(rest.lowercased())
        case ("settings", false):
            return .settings(rest.split(separator: " ", maxSplits: 1).map(String.init))
        case ("edit", false):
            let pieces = rest.split(separator: " ", maxSplits: 1)
            if let option = Int(pieces[0]) {
                guard pieces.count == 2 else { return .misuse("write the new text after the number, e.g. `edit 2 run for the door`") }
                return .edit(option, String(pieces[1]).trimmingCharacters(in: .whitespaces))
            }
        case ("edit", true):
            return .misuse("edit takes an option's number and your text, e.g. `edit 2 run for the door`")
        default:
            break
        }
        if rest.isEmpty, !words.contains(word) {
            let near = NearMiss.suggestions(for: word, among: words)
            if !near.isEmpty { return .nearMiss(typed: word, suggestions: near) }
        }
        return .instruction(text)
    }
}

extension CommandParser {
    static func parseAdmin(_ text: String) -> AdminAction {
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        let word = parts.first.map { $0.lowercased() } ?? ""
        let rest = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch (word, rest.isEmpty) {
        case ("who", true): return .who
        case ("stats", true): return .stats
        case ("inspect", false): return .inspect(rest)
        case ("snoop", _): return .snoop(rest.isEmpty || rest.lowercased() == "off" ? nil : rest)
        case ("boot", false): return .boot(rest)
        case ("broadcast", false): return .broadcast(rest)
        case ("reload", true): return .reload
        case ("shutdown", true): return .shutdown(seconds: nil)
        case ("shutdown", false): return Int(rest).map { .shutdown(seconds: $0) } ?? .unknown(text)
        default: return .unknown(text)
        }
    }
}
