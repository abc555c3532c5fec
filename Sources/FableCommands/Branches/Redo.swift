/// `redo`: forward again to the step `undo` left.
public struct Redo: Command, Equatable {
    public static let words = ["redo"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(usage: "redo", topic: "redo: return to the step you left with `undo`.")

    public init() {}

    public static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(Redo()) : .instruction
    }

    public func run(in context: any CommandContext) async {
        await move(context) { worlds, worldID in try await worlds.redo(worldID: worldID) }
    }
}
