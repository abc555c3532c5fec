/// `stop`: cancel the passage being written (and an `auto` run); the story stays as it was.
public struct Stop: Command, Equatable {
    public static let words = ["stop"]
    public static let access = CommandAccess.anyone
    public static let actsWhileWriting = true
    public static let help = CommandHelp(
        usage: "stop", summary: "cancel the passage being written; the story stays as it was",
        topic: "stop: cancel the passage being written. Nothing is saved; the story is as it was.")

    public init() {}

    public static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(Stop()) : .instruction
    }

    public func run(in context: any CommandContext) async {
        await context.stopWriting()
    }
}
