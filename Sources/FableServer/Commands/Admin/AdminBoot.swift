import FableCommands

/// `@boot READER`: disconnect a reader, on whichever front end they are connected to.
struct AdminBoot: SessionCommand {
    static let words = ["@boot"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@boot READER", summary: "disconnect a reader", topic: "@boot READER: disconnect a reader.")
    let name: String

    static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? AdminUnknown.misfit("boot", arguments) : .command(AdminBoot(name: arguments))
    }

    func run(in session: isolated ReaderSession) async {
        let context = session.context
        let reason = "An admin has disconnected you."
        let here = await context.registry.boot(name, reason: reason)
        // Told even when their presence is not announced yet (a login less than a second old).
        if !here { await context.frontEnds.publish(.boot(name: name, reason: reason)) }
        let elsewhere = here ? false : await context.isElsewhere(name)
        await session.screen.say(here || elsewhere ? "\(name) is disconnected." : "\(name) is not connected.")
    }
}
