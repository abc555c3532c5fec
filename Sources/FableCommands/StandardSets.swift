/// The command sets both front ends share. `fable serve` adds its own (worlds, the reader,
/// admin) around them; `fable play` offers these and `help`/`quit`.
public enum StandardSets {
    /// Playing: choosing, rewriting, moving about the branches.
    public static let play = CommandSet(
        name: "Play", layout: .table,
        intro: "type 1, 2 or 3 to choose an option, or write what happens next in your own words.",
        commands: [Choose.self, Proceed.self, EditOption.self, Retry.self, Undo.self, Redo.self,
                   ListBranches.self, GoTo.self, Auto.self, Stop.self])

    /// Looking back and editing what the storyteller keeps in mind.
    public static let remember = CommandSet(
        name: "Remember", layout: .line,
        commands: [ShowMemory.self, EditMemory.self, Pin.self, Unpin.self, Recall.self, Recap.self, Read.self, Export.self])
}
