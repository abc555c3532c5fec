/// Commands grouped by what the reader is doing; a front end offers the sets that apply to it
/// (`fable play` has no accounts, so no worlds or admin set). Help lists them in this order.
public struct CommandSet: Sendable {
    /// The heading in the overview ("Play", "Remember", …); also a help topic when `isTopic`.
    public let name: String
    public let commands: [any Command.Type]
    /// How the overview shows the set: one row per command, or the usages on one line.
    public let layout: Layout
    /// A line under the heading of a table.
    public let intro: String?
    /// `help NAME` shows the set (e.g. `help admin`).
    public let isTopic: Bool

    public enum Layout: Sendable { case table, line }

    public init(name: String, layout: Layout, intro: String? = nil, isTopic: Bool = false, commands: [any Command.Type]) {
        self.name = name
        self.layout = layout
        self.intro = intro
        self.isTopic = isTopic
        self.commands = commands
    }
}
