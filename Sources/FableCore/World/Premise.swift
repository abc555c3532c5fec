/// How the reader takes part (SPEC §2).
public enum StoryMode: String, Codable, Sendable, CaseIterable {
    /// Second person; the reader is the protagonist; options are actions.
    case adventure
    /// The reader is the author's co-pilot; options are plot plans.
    case novel
}

/// Who a story is written for; the prompt tells the model what that allows.
public enum ContentRating: String, Codable, Sendable, CaseIterable, CustomStringConvertible {
    /// Suitable for all ages.
    case everyone
    /// Peril and violence without gore, romance without explicit sex, mild language.
    case teen
    /// Adult readers: dark themes, violence and strong language when the story needs them.
    case mature

    public var description: String { rawValue }
}

/// What a world was started from. A world keeps its own copy, so editing the
/// story file later never changes a world in progress. Placeholders are already
/// filled with the reader's answers.
public struct Premise: Codable, Sendable, Equatable {
    /// The story file's name without `.md`.
    public var storyID: String
    public var title: String
    public var genre: String
    public var mode: StoryMode
    /// BCP 47 tag, e.g. `en`, `zh`.
    public var language: String
    public var style: String
    public var rating: ContentRating
    /// The premise in prose (the story file's Markdown body).
    public var body: String
    /// Facts that are in every prompt.
    public var canon: [String]
    /// Entries that enter a prompt only when one of their keys appears in recent text.
    public var lore: [LoreEntry]
    /// The reader's answers to the story's questions, by question name.
    public var answers: [String: String]

    public init(storyID: String, title: String, genre: String = "", mode: StoryMode = .adventure,
                language: String = "en", style: String = "", rating: ContentRating = .everyone, body: String,
                canon: [String] = [], lore: [LoreEntry] = [], answers: [String: String] = [:]) {
        self.storyID = storyID
        self.title = title
        self.genre = genre
        self.mode = mode
        self.language = language
        self.style = style
        self.rating = rating
        self.body = body
        self.canon = canon
        self.lore = lore
        self.answers = answers
    }

    private enum CodingKeys: String, CodingKey {
        case storyID, title, genre, mode, language, style, rating, body, canon, lore, answers
    }

    /// Worlds stored before a field existed still load: every later field has a default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        storyID = try container.decode(String.self, forKey: .storyID)
        title = try container.decode(String.self, forKey: .title)
        body = try container.decode(String.self, forKey: .body)
        genre = try container.decodeIfPresent(String.self, forKey: .genre) ?? ""
        mode = try container.decodeIfPresent(StoryMode.self, forKey: .mode) ?? .adventure
        language = try container.decodeIfPresent(String.self, forKey: .language) ?? "en"
        style = try container.decodeIfPresent(String.self, forKey: .style) ?? ""
        // An unknown rating (from a later version) must not make a world unreadable.
        rating = try container.decodeIfPresent(String.self, forKey: .rating).flatMap(ContentRating.init(rawValue:)) ?? .everyone
        canon = try container.decodeIfPresent([String].self, forKey: .canon) ?? []
        lore = try container.decodeIfPresent([LoreEntry].self, forKey: .lore) ?? []
        answers = try container.decodeIfPresent([String: String].self, forKey: .answers) ?? [:]
    }
}
