/// `memory`: what the storyteller keeps in mind, what changed last, and the pinned facts.
public struct ShowMemory: Command, Equatable {
    public static let words = ["memory"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(
        usage: "memory", summary: "what the storyteller keeps in mind",
        topic: "memory: what the storyteller keeps in mind right now, what changed at the last step, and the pinned facts. `memory edit TEXT` replaces it (undo takes it back).")

    public init() {}

    public static func parse(_ arguments: String) -> ArgumentFit {
        if arguments.isEmpty { return .command(ShowMemory()) }
        let (word, text) = Arguments.split(arguments)
        guard word == "edit" else { return .instruction }
        return text.isEmpty ? .misuse("memory edit NEW MEMORY replaces the short-term memory with your text")
                            : .command(EditMemory(text: text))
    }

    public func run(in context: any CommandContext) async {
        guard let worldID = await context.worldID, let head = try? await context.worlds.head(worldID: worldID) else { return }
        await context.say("What the storyteller keeps in mind:")
        await context.sayUntrusted(head.content.memory.isEmpty ? "(nothing yet)" : head.content.memory)
        await context.say("Last change:")
        await context.sayUntrusted(head.content.memoryChange.isEmpty ? "(none)" : head.content.memoryChange)
        if head.content.pins.isEmpty {
            await context.say("Pinned facts: none (`pin FACT` keeps one in every prompt).")
        } else {
            await context.say("Pinned facts (always in the prompt):")
            for (index, pin) in head.content.pins.enumerated() { await context.sayUntrusted("  \(index + 1). \(pin)") }
        }
    }
}
