import FableCommands
import FableCore

/// `stories`: the stories this server can start.
struct ListStories: SessionCommand {
    static let words = ["stories"]
    static let access = CommandAccess.anyone
    static let help = CommandHelp(usage: "stories", summary: "the stories to start",
                                  topic: "stories: the stories you can start with `new STORY`.")

    static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(ListStories()) : .instruction
    }

    func run(in session: isolated ReaderSession) async {
        let stories = session.context.catalog.listings()
        guard !stories.isEmpty else {
            await session.screen.say("There are no stories on this server yet.")
            return
        }
        var text = "Stories (`new STORY` starts one):\n"
        for story in stories {
            let details = [story.genre, story.mode.rawValue, story.language].filter { !$0.isEmpty }
            text += "  \(story.id) — \(TerminalText.sanitize(story.title)) (\(details.joined(separator: ", ")))\n"
        }
        await session.screen.raw(text)
    }
}
