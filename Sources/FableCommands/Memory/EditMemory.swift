import FableCore
import FableEngine

/// `memory edit TEXT`: the reader's own short-term memory, kept as a revision step.
public struct EditMemory: Command, Equatable {
    /// Reached through `memory edit`.
    public static let words: [String] = []
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(
        usage: "memory edit TEXT", summary: "replace it",
        topic: "memory edit TEXT: replace what the storyteller keeps in mind with your text (`undo` takes it back).")
    public let text: String

    public init(text: String) {
        self.text = text
    }

    public static func parse(_ arguments: String) -> ArgumentFit { .instruction }

    public func run(in context: any CommandContext) async {
        await revise(.replaceMemory(text), done: "The memory is replaced (`undo` takes it back).", in: context)
    }
}

/// A memory edit, pin or unpin, recorded as a revision step.
func revise(_ revision: MemoryRevision, done: String, in context: any CommandContext) async {
    guard let worldID = await context.worldID else { return }
    do {
        let step = try await context.worlds.revise(worldID: worldID, revision)
        await context.say(done)
        await context.memoryRevised(step)
    } catch let error as StepError {
        await context.say("That did not work: \(error.description).")
    } catch {
        await context.say("That did not work (\(error)).")
    }
}
