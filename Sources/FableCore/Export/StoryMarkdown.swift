/// The story so far as Markdown: a title, then each passage once, in order.
public enum StoryMarkdown {
    public static func header(title: String) -> String {
        "# \(title)\n\n"
    }

    /// One step's part of the document. With `instructions`, the reader's own
    /// words come first as a quote, as in a transcript of play.
    public static func section(_ step: Step, instructions: Bool) -> String {
        var text = ""
        if instructions, !step.instruction.isEmpty {
            text += "> \(step.instruction)\n\n"
        }
        return text + step.content.passage + "\n\n"
    }

    public static func render(title: String, steps: [Step], instructions: Bool) -> String {
        steps.reduce(header(title: title)) { $0 + section($1, instructions: instructions) }
    }
}
