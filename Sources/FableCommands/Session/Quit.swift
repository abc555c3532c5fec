/// `quit`: leave; the world is saved at its last step.
public struct Quit: Command, Equatable {
    public static let words = ["quit", "exit", "logout"]
    public static let access = CommandAccess.anyone
    public static let actsWhileWriting = true
    public static let help = CommandHelp(usage: "quit", summary: "leave",
                                         topic: "quit: leave. Your world is saved at its last step; log in again to go on.")

    public init() {}

    public static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(Quit()) : .instruction
    }

    public func run(in context: any CommandContext) async {
        await context.quit()
    }
}
