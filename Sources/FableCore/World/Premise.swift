/// How the reader takes part (SPEC §2).
public enum StoryMode: String, Codable, Sendable, CaseIterable {
    /// Second person; the reader is the protagonist; options are actions.
    case adventure
    /// The reader is the author's co-pilot; options are plot plans.
    case novel
}

/// What a world was started from. A world keeps its own copy, so editing the
/// story file later never changes a world in progress.
public struct Premise: Codable, Sendable, Equatable {
    /// The story file's name without `.md`.
    public var storyID: String
    public var title: String
    public var genre: String
    public var mode: StoryMode
    /// BCP 47 tag, e.g. `en`, `zh`.
    public var language: String
    public var style: String
    /// The premise in prose (the story file's Markdown body).
    public var body: String

    public init(storyID: String, title: String, genre: String = "", mode: StoryMode = .adventure,
                language: String = "en", style: String = "", body: String) {
        self.storyID = storyID
        self.title = title
        self.genre = genre
        self.mode = mode
        self.language = language
        self.style = style
        self.body = body
    }
}
