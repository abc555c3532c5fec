/// Turns a line into a `ReaderCommand`. A command word only counts as one when its
/// arguments fit; otherwise, in a world, the line is the reader's instruction
/// ("read the letter" is an instruction, "read 3" is a command). A line that starts
/// with a quote mark is always an instruction: dialogue.
public enum CommandParser {
    /// Every command word, for help and near-miss suggestions.
    public static let words = [
        "edit", "retry", "undo", "redo", "branches", "goto", "continue", "auto", "stop", "memory",
        "recall", "recap", "read", "history", "export", "worlds", "new", "play", "stories", "settings",
        "help", "who", "quit",
    ]

    public static func parse(_ line: String) -> ReaderCommand {
        let text = line.trimmingCharacters(in: .whitespaces)
        guard let first = text.first else { return .empty }
        if first == "\"" || first == "'" || first == "“" { return .instruction(text) }
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
