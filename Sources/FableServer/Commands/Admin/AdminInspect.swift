import FableCommands

/// `@inspect READER`: what the storyteller knows about the reader's current world, paged.
struct AdminInspect: SessionCommand {
    static let words = ["@inspect"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@inspect READER", summary: "what the storyteller knows about the reader's world",
                                  topic: "@inspect READER: what the storyteller knows about the reader's world.")
    let name: String

    static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? AdminUnknown.misfit("inspect", arguments) : .command(AdminInspect(name: arguments))
    }

    func run(in session: isolated ReaderSession) async {
        do {
            guard let reader = try await session.context.store.account(name: name) else {
                return await session.screen.say("There is no reader called \(name).")
            }
            let worlds = try await session.worlds.worlds(ownerID: reader.id)
            guard let world = worlds.first(where: { $0.id == reader.lastWorldID }) ?? worlds.last else {
                return await session.screen.say("\(reader.name) has no worlds yet.")
            }
            let report = try await session.worlds.inspect(world: world, reader: reader)
            await session.page(report.text(width: await session.screen.width).components(separatedBy: "\n"))
        } catch {
            await session.screen.say("Could not inspect \(name): \(error).")
        }
    }
}
