import FableCore
import FableStories
import Foundation
import FuzzKit

/// Fuzzes the story-file parser and checker, `StoryFile.parse(_:id:file:)` (what
/// `fable stories check` and the story library run on every file), then, for a good story,
/// `premise(answers:)` and the questions' answer matching.
///
/// Input: the file's bytes, decoded as UTF-8 (invalid bytes become U+FFFD, as a lossy reader would).
///
/// Checks: a good story has a title and a premise and at most 10 questions; a bad one has at
/// least one problem, in line order, each on a line of the file; and the file with CRLF line
/// ends reads exactly as with LF (editors on Windows write them).
enum StoryHarness {
    static func check(_ input: UnsafeRawBufferPointer) -> String? {
        let text = String(decoding: input, as: UTF8.self)
        let outcome = parse(text)
        if let problem = problems(outcome, text: text) { return problem }
        if !text.contains("\r") {
            let crlf = parse(text.replacingOccurrences(of: "\n", with: "\r\n"))
            if crlf != outcome {
                return "CRLF line ends read differently: \(describe(crlf)) vs LF: \(describe(outcome))"
            }
        }
        return nil
    }

    static func parse(_ text: String) -> Result<StoryFile, StoryFileError> {
        do {
            return .success(try StoryFile.parse(text, id: "fuzz", file: "fuzz.md"))
        } catch let error as StoryFileError {
            return .failure(error)
        } catch {
            return .failure(StoryFileError(problems: [StoryProblem(file: "?", line: -1, message: "unexpected error \(error)")]))
        }
    }

    static func describe(_ outcome: Result<StoryFile, StoryFileError>) -> String {
        switch outcome {
        case .success(let story): "a story titled \(story.title.debugDescription)"
        case .failure(let error): "problems \(error.problems.prefix(3).map(\.description))"
        }
    }

    static func problems(_ outcome: Result<StoryFile, StoryFileError>, text: String) -> String? {
        switch outcome {
        case .failure(let error):
            guard !error.problems.isEmpty else { return "a story was refused with no problem given" }
            // Lines as an editor counts them: after each LF (a CRLF is one line end).
            let lineCount = text.utf8.filter { $0 == 0x0A }.count + 1
            for problem in error.problems where !(0...lineCount).contains(problem.line) || problem.message.isEmpty {
                return "a problem on line \(problem.line) of a file of \(lineCount) lines: \(problem.message)"
            }
            let lines = error.problems.map(\.line)
            if lines != lines.sorted() { return "problems are not in line order: \(lines)" }
        case .success(let story):
            if story.title.isEmpty || story.body.isEmpty { return "a good story without a title or a premise" }
            if story.questions.count > 10 { return "a good story with \(story.questions.count) questions" }
            for question in story.questions {
                _ = question.display
                for answer in ["", "1", "2", question.prompt, question.defaultAnswer ?? "x", String(question.name.prefix(2))] {
                    if case .success(let chosen) = question.answer(answer), !question.choices.isEmpty,
                       !question.choices.contains(where: { $0.caseInsensitiveCompare(chosen) == .orderedSame }) {
                        return "the answer \(answer.debugDescription) chose \(chosen.debugDescription), not one of the choices"
                    }
                }
            }
            do {
                let premise = try story.premise(answers: [:])
                if premise.title.isEmpty { return "a premise without a title" }
            } catch is StoryAnswerError {
                // A question with no default: the reader must answer it.
            } catch {
                return "premise(answers:) threw \(error)"
            }
        }
        return nil
    }
}
