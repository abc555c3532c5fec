/// `unpin N`: stop keeping pin N.
public struct Unpin: Command, Equatable {
    public static let words = ["unpin"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(usage: "unpin N", summary: "let a pinned fact go",
                                         topic: "unpin N: stop keeping pin N (see `memory`).")
    public let number: Int

    public init(number: Int) {
        self.number = number
    }

    public static func parse(_ arguments: String) -> ArgumentFit {
        Int(arguments).map { .command(Unpin(number: $0)) }
            ?? .misuse("unpin takes the number of a pin from `memory`, e.g. `unpin 1`")
    }

    public func run(in context: any CommandContext) async {
        await revise(.unpin(number), done: "Unpinned.", in: context)
    }
}
