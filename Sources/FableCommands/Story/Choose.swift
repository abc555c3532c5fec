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
        guard let worldID = await context.worldID, let head = try? await context.worlds.head(worldID: worldID),
              head.content.options.indices.contains(number - 1) else {
            let count = await currentOptionCount(context)
            await context.say("There is no option \(number). Choose 1 to \(count), or write your own.")
            return
        }
        await context.write(.advance(.option(number - 1)))
    }
}

func currentOptionCount(_ context: any CommandContext) async -> Int {
    guard let worldID = await context.worldID, let head = try? await context.worlds.head(worldID: worldID) else { return 3 }
    return head.content.options.count
}
