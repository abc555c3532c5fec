import FableCore
import FableStories

/// The story files of one folder (through `StoryLibrary`, which notices new and changed
/// files): a new or edited file is offered to new worlds at once, and worlds already
/// started keep their own copy. Files that do not pass `fable stories check` are left out.
public struct StoryFolderCatalog: StoryCatalog {
    private let library: StoryLibrary

    public init(directory: String) {
        library = StoryLibrary(directory: directory)
    }

    public func listings() -> [StoryListing] {
        library.stories().stories.map { file in
            StoryListing(id: file.id, title: file.title, genre: file.genre, mode: file.mode, language: file.language,
                         questions: file.questions)
        }
    }

    public func problems() -> [String] {
        library.stories().problems.map(\.description)
    }

    public func premise(storyID: String, answers: [String: String]) throws -> Premise {
        guard let file = try library.story(id: storyID) else {
            throw CatalogError(description: "the story \(storyID) is no longer on the server")
        }
        return try file.premise(answers: answers)
    }
}

struct CatalogError: Error, CustomStringConvertible {
    var description: String
}
