/// What the reader asks the next step to do.
public enum Instruction: Sendable, Equatable {
    /// One of the head step's three options (0-based).
    case option(Int)
    /// The reader's own words (or an edited option).
    case custom(String)
    /// No instruction: the story moves on by itself.
    case proceed
    /// Unattended play: the model picks among its own options.
    case auto

    /// The text stored with the step and shown to the model.
    public func text(options: [String]) -> String {
        switch self {
        case .option(let index):
            return options.indices.contains(index) ? options[index] : ""
        case .custom(let text):
            return text
        case .proceed, .auto:
            return ""
        }
    }
}
