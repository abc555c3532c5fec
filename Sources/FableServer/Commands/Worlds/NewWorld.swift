import FableCommands
import FableCore

/// `new STORY`: a new world from a story, after the story's questions.
struct NewWorld: SessionCommand {
    static let words = ["new"]
    static let access = CommandAccess.anyone
    static let help = CommandHelp(usage: "new STORY", summary: "start a world",
                                  topic: "new STORY: start a new world from a story (see `stories`).")
    let story: String?

    /// A story's name is one word: "new york is far" tells the story.
    static func parse(_ arguments: String) -> ArgumentFit {
        if arguments.isEmpty { return .command(NewWorld(story: nil)) }
        return arguments.contains(" ") ? .instruction : .command(NewWorld(story: arguments))
    }

    func run(in session: isolated ReaderSession) async {
        guard let storyID = story else {
            await ListStories().run(in: session)
            return
        }
        let stories = session.context.catalog.listings()
        guard let story = stories.first(where: { $0.id.lowercased() == storyID.lowercased() }) else {
            let near = NearMiss.suggestions(for: storyID, among: stories.map(\.id))
            await session.screen.say("There is no story `\(storyID)`." + (near.isEmpty ? " Type `stories` for the list."
                                                                                        : " Did you mean `new \(near[0])`?"))
            return
        }
        session.questions = PendingQuestions(story: story)
        await session.askNextQuestion()
    }
}
