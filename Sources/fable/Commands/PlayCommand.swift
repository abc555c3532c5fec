import ArgumentParser
import FableCore
import FableStories
import Foundation

struct PlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play a story in this terminal. Resumes the story's latest world unless told otherwise.",
        discussion: """
            A new world first asks the story's questions (Enter takes the default shown in brackets). \
            When standard input is not a terminal they are not asked: --answer values and the defaults are used.
            """)

    @Option(help: "The story file, e.g. stories/lighthouse.md.")
    var story: String?

    @Option(help: "Resume this world (its number).")
    var world: Int64?

    @Flag(help: "Start a new world even if one exists.")
    var new = false

    @Option(name: .customLong("answer"), help: ArgumentHelp("Answer one of the story's questions for a new world.",
                                                             valueName: "name=value"))
    var answers: [String] = []

    @Flag(help: "Ask the story's questions even when standard input is not a terminal.")
    var ask = false

    @Option(help: "Wrap text to this many columns.")
    var width = 78

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard story != nil || world != nil else {
            throw ValidationError("Give the story file (--story stories/lighthouse.md), or --world N to resume a world.")
        }
        for answer in answers where !answer.contains("=") {
            throw ValidationError("--answer is name=value, e.g. --answer keeper=Mara, not \(answer)")
        }
    }

    func run() async throws {
        let runtime: Runtime
        do {
            runtime = try await Runtime(common)
        } catch {
            throw ValidationError("\(error)")
        }
        var given: [String: String] = [:]
        for answer in answers {
            let parts = answer.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            given[String(parts[0])] = String(parts[1])
        }
        // The file is read only when a new world starts: a world in progress keeps its own
        // copy of the premise, so it resumes even if the file changed, broke or is gone.
        let source = PlaySession.StorySource(path: story, answers: given, ask: ask || isatty(STDIN_FILENO) != 0)
        let session = PlaySession(runtime: runtime, printer: StepPrinter(width: min(200, max(40, width))))
        let code = await session.run(story: source, worldID: world, startNew: new)
        await runtime.storyteller.finishIndexing(within: .seconds(30))
        if code != 0 { throw ExitCode(code) }
    }
}
