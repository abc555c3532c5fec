import FableCommands

/// `@snoop READER`: watch a reader's screen live; `@snoop` alone (or `off`) stops.
struct AdminSnoop: SessionCommand {
    static let words = ["@snoop"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@snoop READER", summary: "watch the reader's screen live; `@snoop` alone stops",
                                  topic: "@snoop READER: watch the reader's screen live; they are not told. `@snoop` alone stops.")
    let name: String?

    static func parse(_ arguments: String) -> ArgumentFit {
        .command(AdminSnoop(name: arguments.isEmpty || arguments.lowercased() == "off" ? nil : arguments))
    }

    func run(in session: isolated ReaderSession) async {
        await session.stopSnooping()
        guard let name else { return }
        guard name.lowercased() != session.account?.name.lowercased(),
              let target = await session.context.registry.screen(of: name) else {
            return await session.screen.say("\(name) is not connected (and you cannot watch yourself).")
        }
        await target.watch(id: session.registryID) { [session] text in session.post(.notice(.watched(name: name, text: text))) }
        session.snooping = target
        await session.screen.say("Watching \(name)'s screen; they are not told. `@snoop` alone stops.")
    }
}
