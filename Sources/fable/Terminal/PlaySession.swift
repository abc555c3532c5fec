import FableCore
import FableEngine
import FableStore
import FableStories
import Foundation

/// `fable play`: the reader's loop on standard input and output.
struct PlaySession {
    let runtime: Runtime
    let printer: StepPrinter

    static let help = """
        Commands:
          1, 2, 3        choose an option
          edit N TEXT    play option N, rewritten as TEXT
          TEXT           any other line is your own instruction
          continue       let the story move on by itself
          retry          write the last passage again (the old one is kept)
          undo / redo    step back / forward
          memory         what the storyteller remembers
          recall WORDS   search the long-term memory
          recap          one line for each step so far
          export [FILE]  save the story so far as Markdown
          help           this list
          quit           leave (the world is saved after every step)
        """

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
        do {
            guard var world = try await chooseWorld(story: story, worldID: worldID, startNew: startNew) else { return 0 }
            Console.out("\(TerminalText.sanitize(world.premise.title)) — world \(world.id). Type `help` for commands.\n")
            if let headID = world.headStepID, let head = try await runtime.store.step(id: headID) {
                printer.showPassage(head)
            } else {
                guard try await printer.show(runtime.storyteller.begin(worldID: world.id)) != nil else { return 1 }
            }
            while true {
                Console.out("\n> ")
                guard let line = readLine() else { Console.out("\n"); return 0 }
                world = try await runtime.store.world(id: world.id) ?? world
                if try await handle(line.trimmingCharacters(in: .whitespaces), world: world) == false { return 0 }
            }
        } catch {
            Console.err("fable: \(runtime.failure(error))\n")
            return 1
        }
    }

    /// The world to play; nil when the reader left while answering the questions.
    private func chooseWorld(story: StorySource, worldID: Int64?, startNew: Bool) async throws -> World? {
        let store = runtime.store
        if let worldID {
            guard let world = try await store.world(id: worldID) else { throw StoreError.noSuchWorld(worldID) }
            return world
        }
        guard let path = story.path else { throw PlayProblem(description: "give the story file with --story") }
        if !startNew, let world = try await store.latestWorld(storyID: StoryFile.id(ofPath: path)) {
            return world
        }
        let file = try StoryFile.load(path: path)
        guard let answers = try answer(file, story: story) else { return nil }
        let premise = try file.premise(answers: answers)
        return try await store.createWorld(label: "play:\(premise.storyID)", premise: premise)
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
                        line.hasPrefix("  ") ? "  " + wrap(line.trimmingCharacters(in: .whitespaces)) : wrap(String(line))
                    }
                    Console.out("\n" + display.joined(separator: "\n") + "\n? ")
                    guard let line = readLine() else { Console.out("\n"); return nil }
                    switch question.answer(line) {
                    case .success(let answer):
                        answers[question.name] = answer
                    case .failure(let problem):
                        Console.out(wrap(problem.message.capitalizedFirst + ".") + "\n")
                    }
                }
            } else {
                answers[question.name] = try question.answer("").get()
                defaults.append("\(question.name) = \(answers[question.name] ?? "")")
            }
        }
        if !defaults.isEmpty {
            Console.out(wrap("Answers taken from the defaults (pass --answer name=value to choose): "
                + defaults.joined(separator: "; ")) + "\n")
        }
        if story.ask && !file.questions.isEmpty { Console.out("\n") }
        return answers
    }

    /// Handles one line; returns false to quit.
    private func handle(_ line: String, world: World) async throws -> Bool {
        let (command, rest) = Self.split(line)
        let storyteller = runtime.storyteller
        switch command {
        case "":
            return true
        case "quit", "exit", "q":
            return false
        case "help", "?":
            Console.out(Self.help + "\n")
        case "1", "2", "3":
            await step(storyteller.advance(worldID: world.id, instruction: .option(Int(command)! - 1)))
        case "edit":
            let (number, text) = Self.split(rest)
            guard let n = Int(number), (1...3).contains(n), !text.isEmpty else {
                Console.out("Write `edit N TEXT`, e.g. `edit 2 I open the door slowly`.\n")
                return true
            }
            await step(storyteller.advance(worldID: world.id, instruction: .custom(text)))
        case "continue":
            await step(storyteller.advance(worldID: world.id, instruction: .proceed))
        case "retry":
            await step(storyteller.retry(worldID: world.id))
        case "undo", "redo":
            do {
                let moved = command == "undo" ? try await runtime.store.undo(worldID: world.id)
                                              : try await runtime.store.redo(worldID: world.id)
                if let headID = moved.headStepID, let head = try await runtime.store.step(id: headID) {
                    printer.showPassage(head)
                }
            } catch let error as StoreError {
                Console.out("\(error.description.capitalizedFirst).\n")
            }
        case "memory":
            guard let head = try await head(of: world) else { return true }
            Console.out("Short-term memory:\n\(wrap(head.content.memory))\n\nLast change: \(wrap(head.content.memoryChange))\n")
        case "recall":
            try await recall(rest, world: world)
        case "recap":
            guard let head = try await head(of: world) else { return true }
            let path = try await runtime.store.path(to: head.id).filter { $0.kind == .story }
            for step in path.suffix(30) {
                Console.out("\(step.depth). \(TerminalText.sanitize(step.content.indexLine))\n")
            }
        case "export":
            try await export(world: world, to: rest.isEmpty ? "\(world.premise.storyID)-world\(world.id).md" : rest)
        default:
            await step(storyteller.advance(worldID: world.id, instruction: .custom(line)))
        }
        return true
    }

    private func step(_ events: AsyncThrowingStream<StepEvent, any Error>) async {
        do {
            _ = try await printer.show(events)
        } catch {
            Console.out("\n[\(runtime.failure(error))]\n")
        }
    }

    private func head(of world: World) async throws -> Step? {
        guard let id = world.headStepID else { return nil }
        return try await runtime.store.step(id: id)
    }

    private func recall(_ words: String, world: World) async throws {
        let terms = SearchTerms.from(instruction: words, memory: "")
        guard let headID = world.headStepID, !terms.isEmpty else {
            Console.out("Write `recall WORDS`, e.g. `recall the silver key`.\n")
            return
        }
        let found = try await runtime.storyteller.retriever.recall(words, endingAt: headID)
        if found.isEmpty { Console.out("Nothing in this story mentions that.\n") }
        for passage in found {
            Console.out("Step \(passage.depth): \(wrap(passage.pieces.first?.text ?? passage.indexLine))\n")
        }
    }

    private func export(world: World, to file: String) async throws {
        guard let head = try await head(of: world) else { return }
        // A revision (memory edit, pin) repeats its parent's passage: each passage once.
        let steps = try await runtime.store.path(to: head.id).filter { $0.kind == .story }
        let text = StoryMarkdown.render(title: world.premise.title, steps: steps, instructions: true)
        do {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            Console.out("Saved \(steps.count) steps to \(file).\n")
        } catch {
            Console.out("Could not write \(file): \(error.localizedDescription)\n")
        }
    }

    private func wrap(_ text: String) -> String {
        var wrapper = WordWrapper(width: printer.width)
        return wrapper.feed(TerminalText.sanitize(text)) + wrapper.finish()
    }

    static func split(_ line: String) -> (String, String) {
        guard let space = line.firstIndex(of: " ") else { return (line.lowercased(), "") }
        return (line[..<space].lowercased(), line[space...].trimmingCharacters(in: .whitespaces))
    }
}

/// A mistake in how `fable play` was asked to start a world.
struct PlayProblem: Error, CustomStringConvertible {
    var description: String
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
