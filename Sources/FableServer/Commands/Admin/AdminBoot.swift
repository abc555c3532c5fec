import FableCommands

/// `@boot READER`: disconnect a reader.
struct AdminBoot: SessionCommand {
    static let words = ["@boot"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@boot READER", summary: "disconnect a reader", topic: "@boot READER: disconnect a reader.")
    let name: String

    static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? AdminUnknown.misfit("boot", arguments) : .command(AdminBoot(name: arguments))
    }

    func run(in session: isolated ReaderSession) async {
        let booted = await session.context.registry.boot(name, reason: "An admin has disconnected you.")
        await session.screen.say(booted ? "\(name) is disconnected." : "\(name) is not connected.")
    }
}
