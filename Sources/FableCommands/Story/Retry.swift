/// `retry`: a new version of the last passage, the old one kept as a branch.
public struct Retry: Command, Equatable {
    public static let words = ["retry"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(
        usage: "retry", summary: "a new version of the last passage (the old one is kept)",
        topic: "retry: write the last passage again, from the same instruction. The old version stays in `branches`.")

    public init() {}

    public static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(Retry()) : .instruction
    }

    public func run(in context: any CommandContext) async {
        await context.write(.retry)
    }
}
