/// `edit N TEXT`: an option in the reader's own words, chosen.
public struct EditOption: Command, Equatable {
    public static let words = ["edit"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(
        usage: "edit N TEXT", summary: "change option N before choosing it",
        topic: "edit N TEXT: replace option N with your own words and choose it, e.g. `edit 2 climb the stairs slowly`.")
    public let number: Int
    public let text: String

    public init(number: Int, text: String) {
        self.number = number
        self.text = text
    }

    public static func parse(_ arguments: String) -> ArgumentFit {
        let (first, text) = Arguments.split(arguments)
        guard !first.isEmpty else {
            return .misuse("edit takes an option's number and your text, e.g. `edit 2 run for the door`")
        }
        guard let number = Int(first) else { return .instruction }
        guard !text.isEmpty else { return .misuse("write the new text after the number, e.g. `edit 2 run for the door`") }
        return .command(EditOption(number: number, text: text))
    }

    public func run(in context: any CommandContext) async {
        guard let count = await currentOptionCount(context), number >= 1, number <= count else {
            await context.say("There is no option \(number) to edit.")
            return
        }
        await context.write(.advance(.custom(text)))
    }
}
