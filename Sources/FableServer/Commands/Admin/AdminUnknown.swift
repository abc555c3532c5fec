import FableCommands

/// An `@` line no admin command takes: refused like any admin command to readers who are not
/// admins, and explained to admins.
struct AdminUnknown: SessionCommand {
    /// The parser hands every unknown `@` word here, with the line after the `@`.
    static let words = ["@"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@", topic: "`help admin` lists the admin commands.")
    let text: String

    static func parse(_ arguments: String) -> ArgumentFit { .command(AdminUnknown(text: arguments)) }

    /// An admin word with arguments it cannot take.
    static func misfit(_ word: String, _ arguments: String) -> ArgumentFit {
        .command(AdminUnknown(text: arguments.isEmpty ? word : "\(word) \(arguments)"))
    }

    func run(in session: isolated ReaderSession) async {
        await session.screen.say("`@\(text)` is not an admin command. `help admin` lists them.")
    }
}
