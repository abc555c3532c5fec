import FableCommands

/// `@shutdown [SECONDS]`: shut the server down gracefully.
struct AdminShutdown: SessionCommand {
    static let words = ["@shutdown"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@shutdown [SECONDS]", summary: "shut the server down gracefully",
                                  topic: "@shutdown [SECONDS]: shut the server down gracefully.")
    let seconds: Int?

    static func parse(_ arguments: String) -> ArgumentFit {
        if arguments.isEmpty { return .command(AdminShutdown(seconds: nil)) }
        return Int(arguments).map { .command(AdminShutdown(seconds: $0)) } ?? AdminUnknown.misfit("shutdown", arguments)
    }

    func run(in session: isolated ReaderSession) async {
        let context = session.context
        let grace = Duration.seconds(seconds ?? Int(context.configuration.shutdownGrace.components.seconds))
        if await !context.registry.requestShutdown(grace: grace) {
            await session.screen.say("This server cannot be shut down from here.")
        }
    }
}
