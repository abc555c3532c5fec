/// `pin FACT`: a fact kept in every prompt, whatever the memory forgets.
///
/// "pin the map to the door" is something the reader's character does, not a fact: bare words
/// that read as pinning a thing somewhere (a word like "to", "on" or "against" and no verb of
/// a statement such as "is" or "must") are the reader's instruction, with a hint. `pin: FACT`
/// and `pin "FACT"` always pin.
public struct Pin: Command, Equatable {
    public static let words = ["pin"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(
        usage: "pin FACT", summary: "keep a fact in every prompt",
        topic: "pin FACT: keep a fact in every prompt from now on, whatever the memory forgets. `unpin N` lets it go. Both can be undone. Words that read as an action (\"pin the map to the door\") tell the story instead; `pin: FACT` always pins.")
    public let fact: String

    public init(fact: String) {
        self.fact = fact
    }

    static let placing: Set<String> = ["to", "on", "onto", "against", "into", "under", "beneath", "behind",
                                       "above", "over", "through", "down", "up", "with", "back"]
    static let stating: Set<String> = ["is", "are", "was", "were", "has", "have", "had", "must", "will", "can",
                                       "cannot", "can't", "never", "always", "does", "did", "should", "would",
                                       "isn't", "aren't", "wasn't", "doesn't", "owes", "lies", "knows", "wants"]

    public static func parse(_ arguments: String) -> ArgumentFit {
        if let fact = Arguments.explicit(arguments) {
            return fact.isEmpty ? misuse : .command(Pin(fact: fact))
        }
        guard !arguments.isEmpty else { return misuse }
        let words = Arguments.words(arguments)
        if words.contains(where: placing.contains), !words.contains(where: stating.contains) {
            return .instruction(hint: "To keep a fact in every prompt, write `pin: FACT`.")
        }
        return .command(Pin(fact: arguments))
    }

    private static let misuse = ArgumentFit.misuse("pin takes a fact to keep, e.g. `pin The lighthouse lamp must never go out`")

    public func run(in context: any CommandContext) async {
        await revise(.pin(fact), done: "Pinned. It stays in every prompt from now on (`unpin` or `undo` to let it go).", in: context)
    }
}
