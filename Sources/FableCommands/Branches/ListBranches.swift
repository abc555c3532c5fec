import FableCore

/// `branches`: the end of every branch of the world, numbered for `goto`.
public struct ListBranches: Command, Equatable {
    public static let words = ["branches"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(
        usage: "branches, goto N", summary: "every version you have written, and jumping to one",
        topic: "branches: the end of every branch of this world, numbered. `goto N` jumps there.")

    public init() {}

    public static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(ListBranches()) : .instruction
    }

    public func run(in context: any CommandContext) async {
        guard let worldID = await context.worldID,
              let branches = try? await context.worlds.branches(worldID: worldID) else { return }
        var text = "Branches of this world (`goto N` jumps to one):\n"
        let mark = await context.hereMark()
        for (index, end) in branches.ends.enumerated() {
            let here = end.id == branches.headID ? mark : ""
            text += "  \(index + 1). step \(end.depth): \(TerminalText.sanitize(end.content.indexLine))\(here)\n"
        }
        await context.raw(text)
    }
}
