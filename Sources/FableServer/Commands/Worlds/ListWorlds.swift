import FableCommands
import FableCore

/// `worlds`: the reader's worlds, numbered for `play N`.
struct ListWorlds: SessionCommand {
    static let words = ["worlds"]
    static let access = CommandAccess.anyone
    static let help = CommandHelp(usage: "worlds", summary: "your worlds", topic: "worlds: your worlds, numbered. `play N` resumes one.")

    static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(ListWorlds()) : .instruction
    }

    func run(in session: isolated ReaderSession) async {
        let worlds = await session.ownWorlds()
        guard !worlds.isEmpty else {
            await session.screen.say("You have no worlds yet.")
            return
        }
        var text = "Your worlds (`play N` resumes one):\n"
        let mark = await session.hereMark()
        for (index, world) in worlds.enumerated() {
            let here = world.id == session.worldID ? mark : ""
            text += "  \(index + 1). \(TerminalText.sanitize(world.premise.title)) (\(world.premise.storyID))\(here)\n"
        }
        await session.screen.raw(text)
    }
}
