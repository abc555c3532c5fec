import FableCore

/// `1`, `2`, `3`: follow one of the options under the passage.
public struct Choose: Command, Equatable {
    public static let words = ["#"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(usage: "1, 2, 3", topic: "1, 2, 3: follow that option.")
    public let number: Int

    public init(number: Int) {
        self.number = number
    }

    /// Numbers are read by the parser itself: a bare number is a choice.
    public static func parse(_ arguments: String) -> ArgumentFit { .instruction }

    public func run(in context: any CommandContext) async {
        let count = await currentOptionCount(context)
        guard let count, number >= 1, number <= count else {
            await context.say("There is no option \(number). Choose 1 to \(count ?? 3), or write your own.")
            return
        }
        await context.write(.advance(.option(number - 1)))
    }
}

/// How many options the current step has; nil when there is no step.
func currentOptionCount(_ context: any CommandContext) async -> Int? {
    guard let worldID = await context.worldID, let head = try? await context.worlds.head(worldID: worldID) else { return nil }
    return head.content.options.count
}
