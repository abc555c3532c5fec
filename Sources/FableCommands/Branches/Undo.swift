import FableCore
import FableEngine

/// `undo`: back one step; nothing is deleted, `redo` returns.
public struct Undo: Command, Equatable {
    public static let words = ["undo"]
    public static let access = CommandAccess.inStory
    public static let help = CommandHelp(
        usage: "undo / redo", summary: "step back / forward again",
        topic: "undo: go back one step. `redo` returns. Nothing is deleted.")

    public init() {}

    public static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(Undo()) : .instruction
    }

    public func run(in context: any CommandContext) async {
        await move(context) { worlds, worldID in try await worlds.undo(worldID: worldID) }
    }
}

/// Moves the world's head, then shows where the reader is; a refusal is said in words.
func move(_ context: any CommandContext,
          _ change: @Sendable (WorldService, Int64) async throws -> Step?) async {
    guard let worldID = await context.worldID else { return }
    do {
        if let head = try await change(context.worlds, worldID) { await context.show(head) }
    } catch let error as StoreError {
        await context.say(error.description.capitalizedFirst + ".")
    } catch let error as WorldServiceError {
        await context.say(error.description.capitalizedFirst + ".")
    } catch {
        await context.say("That did not work (\(error)).")
    }
}
