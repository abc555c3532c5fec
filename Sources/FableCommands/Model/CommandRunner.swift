import FableCore

/// Runs a parsed line against a context, with the checks every command passes in one place:
/// who may use it (needs a world, needs a begun story, admins only, with the admin's audit
/// log) before it runs. The front end has already checked the rate limit and the login, and
/// holds lines back while a passage is being written.
public enum CommandRunner {
    public static func run(_ line: ParsedLine, in context: any CommandContext) async {
        switch line {
        case .empty:
            break
        case .misuse(let advice):
            await context.say("Write it like this: \(advice).")
        case .nearMiss(let typed, let suggestions):
            let list = suggestions.map { "`\($0)`" }.joined(separator: " or ")
            await context.say("`\(typed)` is not a command. Did you mean \(list)? (To tell the story `\(typed)`, add a word or put it in quotes.)")
        case .instruction(let text, let hint):
            guard await allowed(StoryInstruction.self, in: context) else { return }
            if let hint { await context.say("(\(hint))") }
            await context.write(.advance(.custom(text)))
        case .command(let command):
            let type = type(of: command)
            if type.access == .admin {
                let isAdmin = await context.gateState().isAdmin
                await context.audit(command, allowed: isAdmin)
                guard isAdmin else {
                    await context.say("That is an admin command, and you are not an admin.")
                    return
                }
            } else {
                guard await allowed(type, in: context) else { return }
            }
            await command.run(in: context)
        }
    }

    /// Says why not when the reader cannot use the command where they are.
    private static func allowed(_ type: any Command.Type, in context: any CommandContext) async -> Bool {
        guard type.access == .inWorld || type.access == .inStory else { return true }
        let state = await context.gateState()
        guard state.inWorld else {
            await context.say("You are not in a world yet: `new STORY` starts one (see `stories`), `play N` resumes one of `worlds`.")
            return false
        }
        guard type.access == .inWorld || state.storyBegun else {
            await context.say("This story has not begun. Type `continue` to begin it.")
            return false
        }
        return true
    }
}

/// The reader's own words as the next step's instruction: not a command word, but checked like one.
enum StoryInstruction: Command {
    static let words: [String] = []
    static let access = CommandAccess.inStory
    static let help = CommandHelp(usage: "TEXT", topic: "Any line that is not a command tells the story what happens next.")
    static func parse(_ arguments: String) -> ArgumentFit { .instruction }
    func run(in context: any CommandContext) async {}
}
