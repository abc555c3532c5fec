import FableCore
import FableStories

/// The stories a reader can start, read afresh on each call so new and changed files
/// are seen without a restart.
public protocol StoryCatalog: Sendable {
    func listings() -> [StoryListing]
    /// The premise with the reader's answers filled in; throws a message for the reader.
    func premise(storyID: String, answers: [String: String]) throws -> Premise
    /// Every file's problems, one line each (`fable stories check`'s words), for `@reload`.
    func problems() -> [String]
}

public struct StoryListing: Sendable, Equatable {
    public var id: String
    public var title: String
    public var genre: String
    public var mode: StoryMode
    public var language: String
    public var questions: [StoryQuestion]

    public init(id: String, title: String, genre: String, mode: StoryMode, language: String,
                questions: [StoryQuestion] = []) {
        self.id = id
        self.title = title
        self.genre = genre
        self.mode = mode
        self.language = language
        self.questions = questions
    }
}
