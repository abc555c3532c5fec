import FableCommands
import FableCore
import Foundation

/// `@who`: every reader, with their address, time online, idle time and activity.
struct AdminWho: SessionCommand {
    static let words = ["@who"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@who", summary: "readers, their address, idle time and what they are doing",
                                  topic: "@who: readers, their address, idle time and what they are doing.")

    static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(AdminWho()) : AdminUnknown.misfit("who", arguments)
    }

    func run(in session: isolated ReaderSession) async {
        let readers = await session.context.registry.readers()
        var text = "\(readers.count) reader\(readers.count == 1 ? "" : "s") connected:\n"
        for reader in readers {
            let idle = Int(-reader.lastInput.timeIntervalSinceNow)
            let online = Int(-reader.connectedAt.timeIntervalSinceNow)
            text += "  \(TerminalText.sanitize(reader.name ?? "?")) from \(reader.address), on \(Durations.words(online)), "
                + "idle \(Durations.words(idle)): \(TerminalText.sanitize(reader.activity))\n"
        }
        await session.screen.raw(text)
    }
}
