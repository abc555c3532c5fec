/// One thing wrong with a story file, and what to write instead.
public struct StoryProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem is the whole file (it cannot be read, its name).
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `stories/x.md:7: message`, the form editors and terminals link to.
    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// A story file that cannot be used: every problem found in it, in line order.
public struct StoryFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [StoryProblem]

    public init(problems: [StoryProblem]) {
        self.problems = problems
    }

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}

/// An answer that cannot fill a question: missing with no default, or not one of the choices.
public struct StoryAnswerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The question's `name`.
    public var question: String
    /// What to answer instead, for the reader.
    public var message: String

    public init(question: String, message: String) {
        self.question = question
        self.message = message
    }

    public var description: String { "the question `\(question)`: \(message)" }
}
