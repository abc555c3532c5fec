/// `export [FILE]`: the story so far as Markdown, shown to copy (or saved to FILE where the
/// front end can write files: `fable play`).
public struct Export: Command, Equatable {
    public static let words = ["export"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(
        usage: "export", summary: "the story as Markdown",
        topic: "export: the story so far as Markdown, to copy from your terminal. In `fable play`, `export FILE.md` saves it to that file.")
    public let file: String?

    public init(file: String?) {
        self.file = file
    }

    /// A file is one word with a dot or a slash in it; other words tell the story.
    public static func parse(_ arguments: String) -> ArgumentFit {
        if arguments.isEmpty { return .command(Export(file: nil)) }
        guard !arguments.contains(" "), arguments.contains(".") || arguments.contains("/") else { return .instruction }
        return .command(Export(file: arguments))
    }

    public func run(in context: any CommandContext) async {
        guard let worldID = await context.worldID, let story = try? await context.worlds.markdown(worldID: worldID) else { return }
        await context.deliver(export: story.text, steps: story.steps, file: file)
    }
}
