import FableCommands

/// A command only `fable serve` has (accounts, other readers, the server): it runs on the
/// reader's session itself, so it reads and changes the session's state directly.
protocol SessionCommand: Command {
    func run(in session: isolated ReaderSession) async
}

extension SessionCommand {
    func run(in context: any CommandContext) async {
        guard let session = context as? ReaderSession else { return }
        await run(in: session)
    }
}

/// The command sets of `fable serve`: the shared ones, then worlds, the reader, and admin.
enum ServerSets {
    static let worlds = CommandSet(
        name: "Worlds", layout: .line,
        commands: [ListWorlds.self, NewWorld.self, PlayWorld.self, ListStories.self])

    static let you = CommandSet(
        name: "You", layout: .line,
        commands: [ChangeSettings.self, Who.self, Help.self, Quit.self])

    static let admin = CommandSet(
        name: "Admin", layout: .table, intro: "Admins only (every use is logged):", isTopic: true,
        commands: [AdminWho.self, AdminStats.self, AdminInspect.self, AdminSnoop.self, AdminBoot.self,
                   AdminBroadcast.self, AdminReload.self, AdminShutdown.self, AdminUnknown.self])

    static let all = [StandardSets.play, StandardSets.remember, worlds, you, admin]
    static let parser = CommandParser(sets: all)
    static let help = HelpText(sets: all)
}
