import FableCommands
import FableCore
import Foundation

/// `who`: the readers connected now, on every front end.
struct Who: SessionCommand {
    static let words = ["who"]
    static let access = CommandAccess.anyone
    static let help = CommandHelp(usage: "who", summary: "who is here", topic: "who: the readers connected now.")

    static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(Who()) : .instruction
    }

    func run(in session: isolated ReaderSession) async {
        let readers = await session.context.everyReader()
        var text = "\(readers.count) reader\(readers.count == 1 ? "" : "s") here:\n"
        for reader in readers {
            let idle = Int(-reader.lastInput.timeIntervalSinceNow)
            text += "  \(TerminalText.sanitize(reader.name))  (idle \(Durations.words(max(0, idle))), \(TerminalText.sanitize(reader.activity)))\n"
        }
        await session.screen.raw(text)
    }
}

/// A span of seconds as `who` and `@who` show it.
enum Durations {
    static func words(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds) s" : seconds < 3600 ? "\(seconds / 60) min" : "\(seconds / 3600) h"
    }
}
