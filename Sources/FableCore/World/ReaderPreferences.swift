/// What a reader asked of the storyteller, kept per reader and put into every prompt.
public struct ReaderPreferences: Codable, Sendable, Equatable {
    public enum PassageLength: String, Codable, Sendable, CaseIterable {
        case short, medium, long
    }

    /// nil: the mode's usual length.
    public var passageLength: PassageLength?
    /// e.g. "light-hearted", "grim"; empty for the story's own.
    public var tone: String
    /// Content the reader does not want, in their words, e.g. "gore, spiders".
    public var avoid: String

    public init(passageLength: PassageLength? = nil, tone: String = "", avoid: String = "") {
        self.passageLength = passageLength
        self.tone = tone
        self.avoid = avoid
    }

    public static let none = ReaderPreferences()
    public var isEmpty: Bool { passageLength == nil && tone.isEmpty && avoid.isEmpty }
}
