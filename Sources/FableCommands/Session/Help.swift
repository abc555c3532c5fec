/// `help [TOPIC]`: the commands this front end offers, or more about one.
/// A topic is one word: "help the ferryman" tells the story, and so does "help Mara" in a
/// story that has begun, when no topic is called or spelt like that.
public struct Help: Command, Equatable {
    public static let words = ["help", "?"]
    public static let access = CommandAccess.anyone
    public static let help = CommandHelp(usage: "help TOPIC", summary: "more about a command",
                                         topic: "help TOPIC: more about one command, e.g. `help retry`.")
    public let topic: String?

    public init(topic: String?) {
        self.topic = topic
    }

    public static func parse(_ arguments: String) -> ArgumentFit {
        if arguments.isEmpty { return .command(Help(topic: nil)) }
        guard !arguments.contains(" ") else { return .instruction }
        return .command(Help(topic: arguments))
    }

    public func run(in context: any CommandContext) async {
        let help = context.helpText
        guard let topic else {
            await context.raw(help.overview + "\n")
            return
        }
        let known = help.topic(topic) != nil || !NearMiss.suggestions(for: topic, among: help.topics).isEmpty
        if !known, await context.gateState().storyBegun {
            await CommandRunner.run(.instruction("help \(topic)", hint: "`help` alone lists the commands."), in: context)
            return
        }
        await context.raw(help.text(for: topic.lowercased()) + "\n")
    }
}
