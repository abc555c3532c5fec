import FableCore
import FableEngine

/// What a command can do, whichever front end runs it: the reader's screen, the world they
/// are in (through the engine's `WorldService`) and the steps the front end writes.
/// `fable serve`'s session and `fable play`'s terminal both provide one.
public protocol CommandContext: Sendable {
    var worlds: WorldService { get }
    /// The world being played; nil before one is chosen.
    var worldID: Int64? { get async }
    /// What the checks of `CommandRunner` need to know about the reader.
    func gateState() async -> GateState
    /// Logs an admin command (allowed or refused), before it runs.
    func audit(_ command: any Command, allowed: Bool) async

    /// Fable's own words, wrapped to the reader's width.
    func say(_ text: String) async
    /// Text from the story or other readers, made safe for the terminal, then wrapped.
    func sayUntrusted(_ text: String) async
    /// Text laid out already (tables, lists), made safe by the caller.
    func raw(_ text: String) async
    /// Long text, a page at a time where the front end pages.
    func page(_ lines: [String]) async
    /// The width text is wrapped at (no wrapping in screen-reader mode).
    var width: Int { get async }
    /// Screen-reader mode: no rules or decorations, no wrapping of the server's own.
    var plainText: Bool { get async }
    /// A stored step: its passage, then its options.
    func show(_ step: Step) async
    /// The memory or the pins changed (`step` is the revision) without a step being shown.
    func memoryRevised(_ step: Step) async

    /// Writes a step: streamed to the reader, then its options.
    func write(_ request: StepRequest) async
    /// The most `auto N` may ask for.
    var autoStepLimit: Int { get }
    /// The help of the command sets this front end offers.
    var helpText: HelpText { get }
    /// Cancels the passage being written, if any.
    func stopWriting() async
    /// The reader leaves.
    func quit() async
    /// The story as Markdown: shown to copy, or saved to `file` where the front end can.
    func deliver(export markdown: String, steps: Int, file: String?) async
}

extension CommandContext {
    /// Front ends that show the memory only when asked need not hear of it.
    public func memoryRevised(_ step: Step) async {}
}

extension CommandContext {
    public var plainText: Bool { get async { false } }

    /// Whether the reader's world has a first step yet (false outside a world).
    public func storyBegun() async -> Bool {
        guard let worldID = await worldID else { return false }
        return (try? await worlds.head(worldID: worldID)) != nil
    }

    /// How a list marks the reader's place.
    public func hereMark() async -> String { await plainText ? " (you are here)" : "  ← here" }
}

/// A step the reader asked for.
public enum StepRequest: Sendable, Equatable {
    case begin
    case advance(Instruction)
    case retry
    /// The storyteller chooses among its own options this many times.
    case auto(Int)
}

/// The reader's state as the command checks see it.
public struct GateState: Sendable {
    public var inWorld: Bool
    public var storyBegun: Bool
    public var isAdmin: Bool

    public init(inWorld: Bool, storyBegun: Bool, isAdmin: Bool) {
        self.inWorld = inWorld
        self.storyBegun = storyBegun
        self.isAdmin = isAdmin
    }
}
