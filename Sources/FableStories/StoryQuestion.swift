import FableCore
import Foundation

/// A question asked once when a world starts. The answer fills `${name}` everywhere in the file.
public struct StoryQuestion: Sendable, Equatable {
    public var name: String
    /// What the reader is asked.
    public var prompt: String
    /// Taken when the reader gives no answer; with choices, one of them.
    public var defaultAnswer: String?
    /// When not empty, the only answers allowed (by number or by text).
    public var choices: [String]

    public init(name: String, prompt: String, defaultAnswer: String? = nil, choices: [String] = []) {
        self.name = name
        self.prompt = prompt
        self.defaultAnswer = defaultAnswer
        self.choices = choices
    }

    /// Characters of a free answer that are kept.
    public static let answerCharacterCap = 200

    /// The question as shown to a reader, e.g. `Which season? [winter]` and one
    /// line for each numbered choice. Plain text; wrap it to the reader's width.
    public var display: String {
        var text = prompt
        if let defaultAnswer { text += " [\(defaultAnswer)]" }
        for (index, choice) in choices.enumerated() {
            text += "\n  \(index + 1). \(choice)"
        }
        return text
    }

    /// The answer a reader's line gives: empty takes the default; with choices, a number,
    /// a choice's text (any case) or a part of only one choice picks it. Control characters and line breaks are removed.
    public func answer(_ input: String) -> Result<String, StoryAnswerError> {
        let cleaned = TerminalText.sanitize(input).split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        if cleaned.isEmpty {
            guard let defaultAnswer else {
                return .failure(StoryAnswerError(question: name, message: "it has no default: please answer it"))
            }
            return .success(defaultAnswer)
        }
        guard !choices.isEmpty else { return .success(String(cleaned.prefix(Self.answerCharacterCap))) }
        if let number = Int(cleaned), choices.indices.contains(number - 1) {
            return .success(choices[number - 1])
        }
        if let choice = choices.first(where: { $0.caseInsensitiveCompare(cleaned) == .orderedSame }) {
            return .success(choice)
        }
        // A word or two of one choice is enough when no other choice has them.
        let containing = choices.filter { $0.range(of: cleaned, options: [.caseInsensitive, .diacriticInsensitive]) != nil }
        if containing.count == 1 {
            return .success(containing[0])
        }
        let message = choices.count == 1
            ? "answer 1 or \(choices[0])"
            : "answer a number from 1 to \(choices.count), or one of: \(choices.joined(separator: ", "))"
        return .failure(StoryAnswerError(question: name, message: message))
    }
}
