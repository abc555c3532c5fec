import FableCore
import Foundation

/// GMCP messages, for MUD clients that turned GMCP on (`docs/protocol.md` has their fields):
/// `Fable.World` on entering a world, `Fable.Step` after a step's options are shown,
/// `Fable.Memory` after a step and after the memory or the pins change. Each goes out after
/// the text it belongs to. Without GMCP nothing is encoded or sent.
extension ReaderSession {
    func gmcpWorld(_ world: World) async {
        guard gmcp else { return }
        let premise = world.premise
        await send(GMCP.World(id: world.id, title: TerminalText.sanitize(premise.title), story: premise.storyID,
                              genre: TerminalText.sanitize(premise.genre), mode: premise.mode.rawValue,
                              language: premise.language))
    }

    /// The step's options, then the memory it ends with.
    func gmcpStep(_ step: Step) async {
        guard gmcp else { return }
        await send(GMCP.Step(world: step.worldID, step: step.depth,
                             options: step.content.options.map(TerminalText.sanitize)))
        await gmcpMemory(step)
    }

    func gmcpMemory(_ step: Step) async {
        guard gmcp else { return }
        await send(GMCP.Memory(world: step.worldID, memory: TerminalText.sanitize(step.content.memory),
                               change: TerminalText.sanitize(step.content.memoryChange),
                               pins: step.content.pins.map(TerminalText.sanitize)))
    }

    private func send(_ message: some GMCPMessage) async {
        guard let json = try? GMCP.encoder.encode(message) else { return }
        await screen.gmcp(type(of: message).package, String(decoding: json, as: UTF8.self))
    }
}

/// A GMCP message's body: JSON, under its package name.
protocol GMCPMessage: Encodable {
    static var package: String { get }
}

enum GMCP {
    /// Keys sorted: the same state is always the same bytes.
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// The world the reader is in: `id` (for `play`), title, story file, genre, mode, language.
    struct World: GMCPMessage {
        static let package = "Fable.World"
        let id: Int64
        let title: String
        let story: String
        let genre: String
        let mode: String
        let language: String
    }

    /// Where the story is: `step` is the depth shown as "Step N"; `options[i]` is chosen by
    /// sending the line `i + 1`.
    struct Step: GMCPMessage {
        static let package = "Fable.Step"
        let world: Int64
        let step: Int
        let options: [String]
    }

    /// What the storyteller keeps in mind (`memory`), its last `change`, and the pinned facts.
    struct Memory: GMCPMessage {
        static let package = "Fable.Memory"
        let world: Int64
        let memory: String
        let change: String
        let pins: [String]
    }
}
