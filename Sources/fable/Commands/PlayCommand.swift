import ArgumentParser
import FableCore
import FableStories

struct PlayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "play",
        abstract: "Play a story in this terminal. Resumes the story's latest world unless told otherwise.")

    @Option(help: "The story file, e.g. stories/lighthouse.md.")
    var story: String

    @Option(help: "Resume this world (its number).")
    var world: Int64?

    @Flag(help: "Start a new world even if one exists.")
    var new = false

    @Option(help: "Wrap text to this many columns.")
    var width = 78

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let runtime: Runtime
        let premise: Premise
        do {
            runtime = try Runtime(common)
            premise = try StoryFile.load(path: story)
        } catch {
            throw ValidationError("\(error)")
        }
        let session = PlaySession(runtime: runtime, printer: StepPrinter(width: min(200, max(40, width))))
        let code = await session.run(premise: premise, worldID: world, startNew: new)
        if code != 0 { throw ExitCode(code) }
    }
}
