/// `help [TOPIC]`: the commands this front end offers, or more about one.
/// A topic is one word: "help the ferryman" tells the story.
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
        return .command(Help(topic: arguments.lowercased()))
    }

    public func run(in context: any CommandContext) async {
        let help = context.helpText
        await context.raw((topic.map(help.text(for:)) ?? help.overview) + "\n")
    }
}
