import FableCommands
import FableCore
import FableEngine
import FableStories
import Foundation

/// `fable play`: the reader's loop on standard input and output, with the same commands,
/// parser and help as `fable serve` (the sets that need no account).
struct PlaySession {
    let runtime: Runtime
    let printer: StepPrinter

    static let sets = [
        StandardSets.play, StandardSets.remember,
        CommandSet(name: "You", layout: .line, commands: [Help.self, Quit.self]),
    ]
    static let parser = CommandParser(sets: sets)
    static let help = HelpText(sets: sets)

    /// Where a new world comes from: the story file, read only when one starts.
    struct StorySource {
        /// nil when only resuming a world by number.
        var path: String?
        /// Answers given on the command line, by question name.
        var answers: [String: String]
        /// Ask the questions that have no answer yet; otherwise they take their defaults.
        var ask: Bool
    }

    /// Returns the exit code.
    func run(story: StorySource, worldID: Int64?, startNew: Bool) async -> Int32 {
        let worlds = WorldService(storyteller: runtime.storyteller)
        do {
            guard let world = try await chooseWorld(story: story, worldID: worldID, startNew: startNew, worlds: worlds) else { return 0 }
            Console.out("\(TerminalText.sanitize(world.premise.title)) — world \(world.id). Type `help` for commands.\n")
            let terminal = TerminalReader(worlds: worlds, world: world, printer: printer, failure: runtime.failure)
            if let head = try await worlds.head(worldID: world.id) {
                printer.showPassage(head)
            } else {
                guard try await printer.show(worlds.begin(worldID: world.id)) != nil else { return 1 }
            }
            while await !terminal.leaving {
                Console.out("\n> ")
                guard let line = readLine() else { Console.out("\n"); return 0 }
                await CommandRunner.run(Self.parser.parse(line), in: terminal)
            }
            return 0
        } catch {
            Console.err("fable: \(runtime.failure(error))\n")
            return 1
        }
    }

    /// The world to play; nil when the reader left while answering the questions.
    private func chooseWorld(story: StorySource, worldID: Int64?, startNew: Bool, worlds: WorldService) async throws -> World? {
        if let worldID {
            guard let world = try await worlds.world(id: worldID) else { throw StoreError.noSuchWorld(worldID) }
            return world
        }
        guard let path = story.path else { throw PlayProblem(description: "give the story file with --story") }
        if !startNew, let world = try await worlds.latestWorld(storyID: StoryFile.id(ofPath: path)) {
            return world
        }
        let file = try StoryFile.load(path: path)
        guard let answers = try answer(file, story: story) else { return nil }
        let premise = try file.premise(answers: answers)
        return try await worlds.createWorld(label: "play:\(premise.storyID)", premise: premise)
    }

    /// The answers to a story's questions: from the command line, else asked (a question
    /// and its default in brackets, its choices numbered), else the defaults.
    private func answer(_ file: StoryFile, story: StorySource) throws -> [String: String]? {
        let names = Set(file.questions.map(\.name))
        if let unknown = story.answers.keys.sorted().first(where: { !names.contains($0) }) {
            let known = file.questions.map(\.name).joined(separator: ", ")
            throw PlayProblem(description: "the story has no question \(unknown)" + (known.isEmpty ? "" : "; its questions are \(known)"))
        }
        var answers: [String: String] = [:]
        var defaults: [String] = []
        for question in file.questions {
            if let given = story.answers[question.name] {
                answers[question.name] = try question.answer(given).get()
            } else if story.ask {
                while answers[question.name] == nil {
                    // Wrapped line by line, keeping the choices' indent.
                    let display = question.display.split(separator: "\n").map { line in
                        line.hasPrefix("  ") ? "  " + printer.wrap(line.trimmingCharacters(in: .whitespaces))
                                             : printer.wrap(String(line))
                    }
                    Console.out("\n" + display.joined(separator: "\n") + "\n? ")
                    guard let line = readLine() else { Console.out("\n"); return nil }
                    switch question.answer(line) {
                    case .success(let answer):
                        answers[question.name] = answer
                    case .failure(let problem):
                        Console.out(printer.wrap(problem.message.capitalizedFirst + ".") + "\n")
                    }
                }
            } else {
                answers[question.name] = try question.answer("").get()
                defaults.append("\(question.name) = \(answers[question.name] ?? "")")
            }
        }
        if !defaults.isEmpty {
            Console.out(printer.wrap("Answers taken from the defaults (pass --answer name=value to choose): "
                + defaults.joined(separator: "; ")) + "\n")
        }
        if story.ask && !file.questions.isEmpty { Console.out("\n") }
        return answers
    }
}

/// A mistake in how `fable play` was asked to start a world.
struct PlayProblem: Error, CustomStringConvertible {
    var description: String
}
