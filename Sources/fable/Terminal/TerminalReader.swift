import FableCommands
import FableCore
import FableEngine
import Foundation

/// What the shared commands can do on a terminal: one reader, one world, no accounts.
/// Steps run one at a time while the loop waits, so there is never a passage to stop.
actor TerminalReader: CommandContext {
    nonisolated let worlds: WorldService
    let world: World
    let printer: StepPrinter
    let failure: @Sendable (any Error) -> String
    private(set) var leaving = false

    init(worlds: WorldService, world: World, printer: StepPrinter, failure: @escaping @Sendable (any Error) -> String) {
        self.worlds = worlds
        self.world = world
        self.printer = printer
        self.failure = failure
    }

    var worldID: Int64? { world.id }
    nonisolated var autoStepLimit: Int { 20 }
    nonisolated var helpText: HelpText { PlaySession.help }

    func gateState() async -> GateState {
        GateState(inWorld: true, storyBegun: await storyBegun(), isAdmin: false)
    }

    func audit(_ command: any Command, allowed: Bool) async {}

    func say(_ text: String) async { Console.out(printer.wrap(text) + "\n") }
    func sayUntrusted(_ text: String) async { Console.out(printer.wrap(text) + "\n") }
    func raw(_ text: String) async { Console.out(TerminalText.sanitize(text)) }
    func page(_ lines: [String]) async { Console.out(lines.joined(separator: "\n") + "\n") }
    var width: Int { printer.width }
    func show(_ step: Step) async { printer.showPassage(step) }

    func write(_ request: StepRequest) async {
        switch request {
        case .begin:
            _ = await step(worlds.begin(worldID: world.id))
        case .advance(let instruction):
            _ = await step(worlds.advance(worldID: world.id, instruction: instruction))
        case .retry:
            _ = await step(worlds.retry(worldID: world.id))
        case .auto(let count):
            for _ in 0..<count where await step(worlds.advance(worldID: world.id, instruction: .auto)) {}
        }
    }

    /// Shows a step as it is written; false when it failed.
    private func step(_ events: AsyncThrowingStream<StepEvent, any Error>) async -> Bool {
        do {
            return try await printer.show(events) != nil
        } catch {
            Console.out("\n[\(failure(error))]\n")
            return false
        }
    }

    func stopWriting() async { await say("Nothing is being written just now.") }

    func quit() async { leaving = true }

    func deliver(export markdown: String, steps: Int, file: String?) async {
        let file = file ?? "\(world.premise.storyID)-world\(world.id).md"
        do {
            try markdown.write(toFile: file, atomically: true, encoding: .utf8)
            Console.out("Saved \(steps) steps to \(file).\n")
        } catch {
            Console.out("Could not write \(file): \(error.localizedDescription)\n")
        }
    }
}
