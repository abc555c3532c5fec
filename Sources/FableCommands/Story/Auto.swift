/// `auto N`: the storyteller follows its own options N times.
public struct Auto: Command, Equatable {
    public static let words = ["auto"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(
        usage: "auto N", summary: "let the storyteller choose N times (stop to interrupt)",
        topic: "auto N: the storyteller picks among its own options N times (at most 20). `stop` interrupts.")
    public let count: Int

    public init(count: Int) {
        self.count = count
    }

    public static func parse(_ arguments: String) -> ArgumentFit {
        if arguments.isEmpty { return .command(Auto(count: 1)) }
        return Int(arguments).map { .command(Auto(count: $0)) } ?? .instruction
    }

    public func run(in context: any CommandContext) async {
        guard (1...context.autoStepLimit).contains(count) else {
            await context.say("auto takes a number from 1 to \(context.autoStepLimit).")
            return
        }
        await context.write(.auto(count))
    }
}
