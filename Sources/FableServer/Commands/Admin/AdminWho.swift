import FableCommands
import FableCore
import Foundation

/// `@who`: every reader, on every front end, with their address, time online, idle time and
/// activity; a reader on another front end is marked with its id.
struct AdminWho: SessionCommand {
    static let words = ["@who"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@who", summary: "readers, their address, idle time and what they are doing",
                                  topic: "@who: readers, their address, idle time and what they are doing.")

    static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(AdminWho()) : AdminUnknown.misfit("who", arguments)
    }

    func run(in session: isolated ReaderSession) async {
        let context = session.context
        let readers = await context.everyReader()
        var text = "\(readers.count) reader\(readers.count == 1 ? "" : "s") connected:\n"
        for reader in readers {
            let idle = Int(-reader.lastInput.timeIntervalSinceNow)
            let online = Int(-reader.connectedAt.timeIntervalSinceNow)
            let place = reader.frontEnd == context.frontEnds.frontEndID ? "" : " [front end \(reader.frontEnd)]"
            text += "  \(TerminalText.sanitize(reader.name)) from \(TerminalText.sanitize(reader.address))\(place), "
                + "on \(Durations.words(max(0, online))), idle \(Durations.words(max(0, idle))): "
                + "\(TerminalText.sanitize(reader.activity))\n"
        }
        await session.screen.raw(text)
    }
}
