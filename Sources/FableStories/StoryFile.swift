import FableCore
import Foundation

/// A story file (`stories/<id>.md`): YAML front matter between `---` lines, then the
/// premise in Markdown. Texts keep their `${name}` placeholders until `premise(answers:)`.
/// `docs/authoring.md` is the reference of the format.
public struct StoryFile: Sendable, Equatable {
    /// The file name without `.md`.
    public var id: String
    public var title: String
    public var genre: String
    public var mode: StoryMode
    /// BCP 47 tag: the language of every passage, memory and option.
    public var language: String
    public var style: String
    public var rating: ContentRating
    /// Asked once when a world starts.
    public var questions: [StoryQuestion]
    /// Facts in every prompt.
    public var canon: [String]
    /// Entries that enter a prompt only when one of their keys appears.
    public var lore: [LoreEntry]
    /// The premise in Markdown.
    public var body: String

    public init(id: String, title: String, genre: String = "", mode: StoryMode = .adventure, language: String = "en",
                style: String = "", rating: ContentRating = .everyone, questions: [StoryQuestion] = [],
                canon: [String] = [], lore: [LoreEntry] = [], body: String) {
        self.id = id
        self.title = title
        self.genre = genre
        self.mode = mode
        self.language = language
        self.style = style
        self.rating = rating
        self.questions = questions
        self.canon = canon
        self.lore = lore
        self.body = body
    }

    /// Reads and checks a file. Throws `StoryFileError` with every problem found.
    public static func load(path: String) throws -> StoryFile {
        let text: String
        do {
            text = try String(contentsOf: URL(fileURLWithPath: path), encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path)
                ? "cannot be read as UTF-8 text: save it as UTF-8"
                : "no such file: check the path (stories live in stories/<id>.md)"
            throw StoryFileError(problems: [StoryProblem(file: path, line: 0, message: reason)])
        }
        return try parse(text, id: id(ofPath: path), file: path)
    }

    /// Checks a story's text. Throws `StoryFileError` with every problem found, in line order.
    public static func parse(_ text: String, id: String, file: String = "<story>") throws -> StoryFile {
        var parser = StoryParser(file: file, id: id)
        guard let story = parser.parse(text) else { throw StoryFileError(problems: parser.problems) }
        return story
    }

    /// Every problem in a file; empty when it is good.
    public static func check(path: String) -> [StoryProblem] {
        do {
            _ = try load(path: path)
            return []
        } catch let error as StoryFileError {
            return error.problems
        } catch {
            return [StoryProblem(file: path, line: 0, message: "\(error)")]
        }
    }

    /// For callers with no one to ask: loads a file and fills it with `answers`, the rest with defaults.
    public static func loadPremise(path: String, answers: [String: String] = [:]) throws -> Premise {
        try load(path: path).premise(answers: answers)
    }

    /// The story's id: its file name without `.md`.
    public static func id(ofPath path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    /// The premise a new world starts from: every `${name}` filled with the answer to that
    /// question (an answer is checked as a reader's line: a number or text picks a choice);
    /// a missing or empty answer takes the default. Throws `StoryAnswerError` naming a
    /// question with no answer and no default, or an answer that is not one of the choices.
    public func premise(answers given: [String: String]) throws -> Premise {
        var answers: [String: String] = [:]
        for question in questions {
            answers[question.name] = try question.answer(given[question.name] ?? "").get()
        }
        func fill(_ text: String) -> String {
            Placeholders.fill(text) { answers[$0] }
        }
        let lore = lore.map { entry in
            LoreEntry(keys: entry.keys.map { key in
                // In a regular expression, an answer stands for itself.
                guard case .pattern = LoreKey(key) else { return fill(key) }
                return Placeholders.fill(key) { answers[$0].map(NSRegularExpression.escapedPattern(for:)) }
            }, text: fill(entry.text))
        }
        return Premise(storyID: id, title: fill(title), genre: fill(genre), mode: mode, language: language,
                       style: fill(style), rating: rating, body: fill(body), canon: canon.map(fill), lore: lore,
                       answers: answers)
    }
}
