/// The words of `help` and `help TOPIC`, made from the offered command sets, so a command's
/// help is written once, beside the command.
public struct HelpText: Sendable {
    public let sets: [CommandSet]

    public init(sets: [CommandSet]) {
        self.sets = sets
    }

    /// The overview: each set under its heading, as a table or on one line.
    public var overview: String {
        var lines: [String] = []
        for set in sets where !set.isTopic {
            let listed = set.commands.compactMap { command in command.help.summary.map { (command.help.usage, $0) } }
            switch set.layout {
            case .table:
                lines.append("\(set.name): " + (set.intro ?? ""))
                for (usage, summary) in listed {
                    lines.append("  " + usage.padding(toLength: max(16, usage.count), withPad: " ", startingAt: 0) + " " + summary)
                }
            case .line:
                lines.append("\(set.name): " + listed.map(\.0).joined(separator: ", "))
            }
        }
        lines.append("Lines typed while a passage is written wait their turn and run after it.")
        return lines.joined(separator: "\n")
    }

    /// Every topic `help TOPIC` knows: each command's words and the sets that are topics.
    public var topics: [String] {
        sets.filter(\.isTopic).map { $0.name.lowercased() }
            + sets.filter { !$0.isTopic }.flatMap { $0.commands }.flatMap { $0.words }
    }

    /// The text of a topic, nil when there is none.
    public func topic(_ name: String) -> String? {
        let name = name.lowercased()
        if let set = sets.first(where: { $0.isTopic && $0.name.lowercased() == name }) {
            let rows = set.commands.compactMap { command in command.help.summary.map { (command.help.usage, $0) } }
            return ([set.intro ?? "\(set.name):"] + rows.map { usage, summary in
                "  " + usage.padding(toLength: max(20, usage.count), withPad: " ", startingAt: 0) + " " + summary
            }).joined(separator: "\n")
        }
        for set in sets where !set.isTopic {
            if let command = set.commands.first(where: { $0.words.contains(name) }) { return command.help.topic }
        }
        return nil
    }

    /// The text for `help TOPIC`, or a suggestion when the topic is unknown.
    public func text(for name: String) -> String {
        let name = name.lowercased()
        if let text = topic(name) { return text }
        let near = NearMiss.suggestions(for: name, among: topics.sorted())
        if near.isEmpty { return "There is no help on `\(name)`. Type `help` for the list of commands." }
        return "There is no help on `\(name)`. Did you mean " + near.map { "`help \($0)`" }.joined(separator: " or ") + "?"
    }
}
