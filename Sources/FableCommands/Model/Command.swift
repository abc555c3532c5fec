/// One reader command: its words, who may use it, its help, how it reads its arguments, and
/// what it does. Adding a command is one type and one line in a `CommandSet`.
public protocol Command: Sendable {
    /// The words that name it, lowercased; the first is the one help shows.
    static var words: [String] { get }
    static var access: CommandAccess { get }
    static var help: CommandHelp { get }
    /// Whether it acts at once while a passage is being written (`stop`, `quit`); other
    /// lines wait their turn and run after the passage.
    static var actsWhileWriting: Bool { get }
    /// Reads what follows the command word (trimmed, maybe empty). A line whose arguments
    /// do not fit is the reader's instruction, so "read the letter" tells the story.
    static func parse(_ arguments: String) -> ArgumentFit
    func run(in context: any CommandContext) async
}

extension Command {
    public static var actsWhileWriting: Bool { false }
    public static var name: String { words.first ?? "" }
}

/// What a command's arguments made of the line.
public enum ArgumentFit: Sendable {
    case command(any Command)
    /// The command word with arguments it cannot take: how to write it instead.
    case misuse(String)
    /// Not this command: the line is the reader's instruction. `hint` tells how to write the
    /// command, for a line that might have meant it.
    case instruction(hint: String?)

    public static let instruction = ArgumentFit.instruction(hint: nil)
}

/// Who may use a command, checked by `CommandRunner` before the command runs.
public enum CommandAccess: Sendable, Equatable {
    /// Any reader who is logged in.
    case anyone
    /// A reader in a world (`new` or `play` first), begun or not.
    case inWorld
    /// A reader in a world whose story has begun.
    case inStory
    /// Admins only; every use, allowed or refused, is logged.
    case admin
}

/// A command's help: its line in the overview and its `help WORD` text.
public struct CommandHelp: Sendable {
    /// How it is written, e.g. "edit N TEXT".
    public var usage: String
    /// Its line in the overview; nil when another command's line covers it (`redo` in `undo / redo`).
    public var summary: String?
    /// What `help WORD` shows.
    public var topic: String

    public init(usage: String, summary: String? = nil, topic: String) {
        self.usage = usage
        self.summary = summary
        self.topic = topic
    }
}
