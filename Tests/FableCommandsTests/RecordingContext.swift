import FableCommands
import FableCore
import FableEngine
import FableStore
import FableStub
import FableTestSupport
import Foundation

/// A front end that writes down what the commands did, over a real SQLite store and a
/// scripted model, so the commands and their checks run as they do on a server.
actor RecordingContext: CommandContext {
    nonisolated let worlds: WorldService
    var worldID: Int64?
    var isAdmin = false
    private(set) var said: [String] = []
    private(set) var written: [StepRequest] = []
    private(set) var audited: [(command: String, allowed: Bool)] = []
    private(set) var left = false
    nonisolated let autoStepLimit = 20
    nonisolated let helpText = HelpText(sets: [StandardSets.play, StandardSets.remember])

    init() throws {
        let store = try SQLiteStore(path: ScratchFolder.make("fable-commands").appendingPathComponent("c.sqlite").path)
        let model = ScriptedChatModel { request, number in
            StubStoryteller.reply(number: number, opening: request.schema.contains("\"outline\""))
        }
        worlds = WorldService(storyteller: Storyteller(store: store, model: model))
    }

    /// A world of `steps` steps written through the engine (0: not begun), made current.
    func enterWorld(steps: Int) async throws {
        let world = try await worlds.createWorld(label: "t", premise: Premise(
            storyID: "marsh", title: "The Marsh", genre: "fantasy", body: "A bell is lost in the marsh."))
        worldID = world.id
        if steps > 0 { _ = try await worlds.begin(worldID: world.id) { _ in } }
        for _ in 1..<max(1, steps) { _ = try await worlds.advance(worldID: world.id, instruction: .option(0)) { _ in } }
    }

    func makeAdmin() { isAdmin = true }
    func clear() { said = []; written = [] }

    func gateState() async -> GateState {
        GateState(inWorld: worldID != nil, storyBegun: await storyBegun(), isAdmin: isAdmin)
    }

    func audit(_ command: any Command, allowed: Bool) async { audited.append(("\(command)", allowed)) }
    func say(_ text: String) async { said.append(text) }
    func sayUntrusted(_ text: String) async { said.append(text) }
    func raw(_ text: String) async { said.append(text) }
    func page(_ lines: [String]) async { said.append(lines.joined(separator: "\n")) }
    var width: Int { 78 }
    func show(_ step: Step) async { said.append(step.content.passage) }
    func write(_ request: StepRequest) async { written.append(request) }
    func stopWriting() async { said.append("nothing to stop") }
    func quit() async { left = true }
    func deliver(export markdown: String, steps: Int, file: String?) async { said.append("exported \(steps) to \(file ?? "-")") }

    var text: String { said.joined(separator: "\n") }
}
