/// `continue`: the story moves on (or begins) without an instruction.
public struct Proceed: Command, Equatable {
    public static let words = ["continue", "c"]
    public static let access = CommandAccess.inWorld
    public static let help = CommandHelp(
        usage: "continue", summary: "the story moves on without an instruction",
        topic: "continue: the storyteller goes on without an instruction from you.")

    public init() {}

    public static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(Proceed()) : .instruction
    }

    public func run(in context: any CommandContext) async {
        await context.write(context.gateState().storyBegun ? .advance(.proceed) : .begin)
    }
}
