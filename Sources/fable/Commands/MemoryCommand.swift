import ArgumentParser
import FableCore
import FableEngine
import FableStore

/// An admin's correction of a reader's memory, from the shell. Recorded as a revision of the
/// world, like the reader's own `memory edit` and `pin`: the reader can `undo` it.
struct MemoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "memory",
        abstract: "Edit a reader's short-term memory or pins (safe while the server runs; undoable).")

    @Argument(help: "The reader's name.")
    var player: String

    @Option(help: "The reader's world number, as `worlds` lists them (default: the one they last played).")
    var world: Int?

    @Option(help: "Replace the short-term memory with this text.")
    var edit: String?

    @Option(help: "Pin a fact: always in the prompt from now on.")
    var pin: String?

    @Option(help: "Remove pin N (as `fable inspect` numbers them).")
    var unpin: Int?

    @OptionGroup var common: CommonOptions

    func validate() throws {
        guard [edit != nil, pin != nil, unpin != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --edit, --pin, --unpin")
        }
    }

    func run() async throws {
        let runtime = try await Runtime(common)
        let (_, chosen) = try await ReaderWorld.find(player: player, number: world, in: runtime.store)
        let revision: MemoryRevision = if let edit { .replaceMemory(edit) } else if let pin { .pin(pin) } else { .unpin(unpin ?? 0) }
        do {
            let step = try await runtime.storyteller.revise(worldID: chosen.id, revision)
            Console.out("Recorded as revision \(step.id) of world \(chosen.id) at step \(step.depth): \(step.content.memoryChange)\n")
        } catch let error as StepError {
            throw ValidationError(error.description)
        }
    }
}
