import ArgumentParser
import FableCore
import FableEngine
import FableStore

struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what the storyteller knows about a reader's world, and why it wrote what it wrote.",
        discussion: "Reads the database only, so it is safe while the server runs (docs/admin.md).")

    @Argument(help: "The reader's name.")
    var player: String

    @Option(help: "The reader's world number, as `worlds` lists them (default: the one they last played).")
    var world: Int?

    @Option(help: "Look at step S of the current branch (default: the head).")
    var step: Int?

    @Flag(help: "Print JSON (stable: format fable-inspect, version 1).")
    var json = false

    @OptionGroup var common: CommonOptions

    func run() async throws {
        let runtime: Runtime
        do {
            runtime = try await Runtime(common)
        } catch {
            throw ValidationError("\(error)")
        }
        let store = runtime.store
        let (account, chosen) = try await ReaderWorld.find(player: player, number: world, in: store)
        var stepID: Int64?
        if let step {
            guard let head = chosen.headStepID else { throw ValidationError("that world has not begun") }
            let path = try await store.path(to: head)
            guard let found = path.last(where: { $0.depth == step }) else {
                throw ValidationError("the current branch has steps 1 to \(path.last?.depth ?? 0)")
            }
            stepID = found.id
        }
        let report = try await runtime.storyteller.inspect(world: chosen, stepID: stepID, reader: account)
        Console.out(json ? try report.json() + "\n" : report.text())
    }
}
