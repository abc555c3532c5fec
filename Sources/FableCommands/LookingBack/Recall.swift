import FableCore

/// `recall WORDS`: search every earlier passage of this branch, by words and by meaning.
///
/// "recall what she said" is the reader's character remembering, not a search: words that
/// open a clause (what, who, how, her, my, that, …) are the reader's instruction, with a hint.
/// A search is a thing's name ("recall the red key"); `recall: WORDS` always searches.
public struct Recall: Command, Equatable {
    public static let words = ["recall"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(
        usage: "recall WORDS", summary: "search the earlier passages",
        topic: "recall WORDS: search every earlier passage of this branch, by its words and by meaning, and show the sentence that matched, e.g. `recall the red key`. Words that read as remembering in the story (\"recall what she said\") tell the story instead; `recall: WORDS` always searches.")
    public let words: String

    public init(words: String) {
        self.words = words
    }

    static let clauseOpeners: Set<String> = [
        "what", "who", "whom", "whose", "where", "when", "why", "how", "which", "that", "if", "whether",
        "i", "me", "my", "we", "us", "our", "you", "your", "she", "her", "he", "him", "his", "they", "them",
        "their", "it", "its", "to", "being", "having",
    ]

    public static func parse(_ arguments: String) -> ArgumentFit {
        if let words = Arguments.explicit(arguments) {
            return words.isEmpty ? misuse : .command(Recall(words: words))
        }
        guard let first = Arguments.words(arguments).first else { return misuse }
        if clauseOpeners.contains(first) {
            return .instruction(hint: "To search the story so far, write `recall: WORDS`.")
        }
        return .command(Recall(words: arguments))
    }

    private static let misuse = ArgumentFit.misuse("recall takes words to look for, e.g. `recall the lighthouse keeper`")

    public func run(in context: any CommandContext) async {
        guard !SearchTerms.from(instruction: words, memory: "").isEmpty else {
            await context.say("Give words to look for, e.g. `recall the silver key`.")
            return
        }
        guard let worldID = await context.worldID else { return }
        let found = (try? await context.worlds.recall(words, worldID: worldID)) ?? []
        guard !found.isEmpty else {
            await context.say("Nothing earlier in this story mentions that.")
            return
        }
        for passage in found {
            await context.sayUntrusted("Step \(passage.depth): \(passage.pieces.first?.text ?? passage.indexLine)")
        }
        await context.say("(`read N` shows step N in full.)")
    }
}
