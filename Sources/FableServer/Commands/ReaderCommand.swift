/// A line the reader typed, understood. A bare line that is not a command is `.instruction`.
public enum ReaderCommand: Sendable, Equatable {
    case choose(Int)
    case edit(Int, String)
    case instruction(String)
    case retry, undo, redo, branches
    case goto(Int)
    case proceed
    case auto(Int)
    case stop
    case memory
    case editMemory(String)
    case pin(String)
    case unpin(Int)
    /// A line starting with `@`: refused unless the reader is an admin.
    case admin(AdminAction)
    case recall(String)
    case recap
    case read(Int?)
    case export
    case worlds
    case new(String?)
    case play(Int)
    case stories
    case settings([String])
    case help(String?)
    case who
    case quit
    /// A command word with arguments it cannot take, with what to write instead.
    case misuse(String)
    /// A single word close to a command: probably a typo.
    case nearMiss(typed: String, suggestions: [String])
    case empty
}

/// The admins' commands (SPEC §6).
public enum AdminAction: Sendable, Equatable {
    case who
    /// Readers, steps being written, and what the latest steps took.
    case stats
    case inspect(String)
    /// Watch a reader's screen; nil stops watching.
    case snoop(String?)
    case boot(String)
    case broadcast(String)
    case reload
    case shutdown(seconds: Int?)
    case unknown(String)
}
