import FableCore

/// `read [N]`: the passages from step N on (or the latest three), a page at a time.
public struct Read: Command, Equatable {
    public static let words = ["read", "history"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(
        usage: "read [N]", summary: "the passages, a page at a time",
        topic: "read [N]: the passages from step N on (or the latest ones), a page at a time. Enter shows more, q stops. `history` is the same.")
    public let from: Int?

    public init(from: Int?) {
        self.from = from
    }

    public static func parse(_ arguments: String) -> ArgumentFit {
        if arguments.isEmpty { return .command(Read(from: nil)) }
        return Int(arguments).map { .command(Read(from: $0)) } ?? .instruction
    }

    public func run(in context: any CommandContext) async {
        guard let worldID = await context.worldID, let head = try? await context.worlds.head(worldID: worldID),
              let path = try? await context.worlds.storySteps(worldID: worldID) else { return }
        let start = from ?? max(1, head.depth - 2)
        guard start >= 1, start <= head.depth else {
            await context.say("This branch has steps 1 to \(head.depth).")
            return
        }
        let width = await context.width
        let plain = await context.plainText
        var lines: [String] = []
        for step in path where step.depth >= start {
            lines.append(plain ? "Step \(step.depth)." : "— Step \(step.depth) —")
            if !step.instruction.isEmpty { lines.append(contentsOf: Self.wrap("> " + step.instruction, width: width)) }
            lines.append(contentsOf: Self.wrap(step.content.passage, width: width))
            lines.append("")
        }
        await context.page(lines)
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var wrapper = WordWrapper(width: width)
        return (wrapper.feed(TerminalText.sanitize(text)) + wrapper.finish()).components(separatedBy: "\n")
    }
}
