/// `goto N`: move to the end of branch N from `branches`.
public struct GoTo: Command, Equatable {
    public static let words = ["goto"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(usage: "goto N", topic: "goto N: move to branch N from `branches`.")
    public let branch: Int

    public init(branch: Int) {
        self.branch = branch
    }

    public static func parse(_ arguments: String) -> ArgumentFit {
        Int(arguments).map { .command(GoTo(branch: $0)) }
            ?? .misuse("goto takes the number of a branch from `branches`, e.g. `goto 2`")
    }

    public func run(in context: any CommandContext) async {
        let branch = branch
        await move(context) { worlds, worldID in try await worlds.goTo(worldID: worldID, branch: branch) }
    }
}
