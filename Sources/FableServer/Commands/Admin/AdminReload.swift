import FableCommands

/// `@reload`: check the story files again.
struct AdminReload: SessionCommand {
    static let words = ["@reload"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@reload", summary: "check the story files again", topic: "@reload: check the story files again.")

    static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(AdminReload()) : AdminUnknown.misfit("reload", arguments)
    }

    func run(in session: isolated ReaderSession) async {
        let catalog = session.context.catalog
        let stories = catalog.listings().count
        let problems = catalog.problems()
        await session.screen.say("Story files checked: \(stories) can be started, \(problems.count) with problems.")
        for problem in problems { await session.screen.sayUntrusted(problem) }
    }
}
