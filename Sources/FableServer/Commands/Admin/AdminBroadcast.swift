import FableCommands

/// `@broadcast TEXT`: a message to everyone connected, on every front end.
struct AdminBroadcast: SessionCommand {
    static let words = ["@broadcast"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@broadcast TEXT", summary: "a message to everyone",
                                  topic: "@broadcast TEXT: a message to everyone.")
    let text: String

    static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? AdminUnknown.misfit("broadcast", arguments) : .command(AdminBroadcast(text: arguments))
    }

    func run(in session: isolated ReaderSession) async {
        guard let account = session.account else { return }
        let message = "[\(account.name), to everyone] \(text)"
        await session.context.registry.broadcast(.message(message))
        await session.context.frontEnds.publish(.broadcast(text: message))
    }
}
