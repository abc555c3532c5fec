/// `recap`: the story so far in one line per step, the latest last.
public struct Recap: Command, Equatable {
    public static let words = ["recap"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(usage: "recap", summary: "the story so far, one line a step",
                                         topic: "recap: the story so far in one line per step, the latest steps last.")

    public init() {}

    public static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(Recap()) : .instruction
    }

    public func run(in context: any CommandContext) async {
        guard let worldID = await context.worldID, let path = try? await context.worlds.storySteps(worldID: worldID) else { return }
        let shown = path.suffix(30)
        if shown.count < path.count { await context.say("(The last \(shown.count) of \(path.count) steps.)") }
        for step in shown {
            await context.sayUntrusted("\(step.depth). \(step.content.indexLine)")
        }
    }
}
