import FableCommands
import FableCore
import FableEngine

/// What the shared commands can do on a telnet session.
extension ReaderSession: CommandContext {
    nonisolated var worlds: WorldService { context.worlds }
    nonisolated var autoStepLimit: Int { context.configuration.autoStepLimit }
    nonisolated var helpText: HelpText { ServerSets.help }

    func gateState() async -> GateState {
        GateState(inWorld: worldID != nil, storyBegun: await storyBegun(), isAdmin: account?.isAdmin ?? false)
    }

    func audit(_ command: any Command, allowed: Bool) async {
        guard let account else { return }
        if allowed {
            context.logger.notice("admin command", metadata: ["admin": "\(account.name)", "command": "\(command)"])
        } else {
            context.logger.warning("refused admin command", metadata: ["reader": "\(account.name)", "command": "\(command)"])
        }
    }

    func memoryRevised(_ step: Step) async { await gmcpMemory(step) }

    func say(_ text: String) async { await screen.say(text) }
    func sayUntrusted(_ text: String) async { await screen.sayUntrusted(text) }
    func raw(_ text: String) async { await screen.raw(text) }
    var width: Int { get async { await screen.wrapWidth } }
    var plainText: Bool { get async { account?.settings.screenReader ?? false } }

    func page(_ lines: [String]) async {
        pager = lines
        await showPage()
    }

    func write(_ request: StepRequest) async {
        switch request {
        case .begin:
            if let worldID { await begin(worldID) }
        case .advance(let instruction):
            await advance(instruction)
        case .retry:
            await retry()
        case .auto(let count):
            autoRemaining = count - 1
            await advance(.auto)
        }
    }

    func stopWriting() async {
        guard let generation else {
            await screen.say("Nothing is being written just now.")
            return
        }
        autoRemaining = 0
        generation.cancel()
    }

    func quit() async {
        if let generation {
            autoRemaining = 0
            generation.cancel()
            await screen.say("Leaving: the passage being written is dropped; your world is at its last step.")
        } else if let worldID, let head = try? await worlds.head(worldID: worldID) {
            await screen.say("Your world is saved at step \(head.depth). Goodbye.")
        } else {
            await screen.say("Goodbye.")
        }
        closing = true
    }

    /// The server writes no files for readers: the story is shown to copy.
    func deliver(export markdown: String, steps: Int, file: String?) async {
        if file != nil { await screen.say("(The story is shown here to copy; the server keeps no files for readers.)") }
        let plain = account?.settings.screenReader ?? false
        await screen.raw((plain ? "The story in Markdown begins.\n" : "----- BEGIN STORY (Markdown) -----\n")
                         + TerminalText.sanitize(markdown)
                         + (plain ? "\nThe story ends.\n" : "\n----- END STORY -----\n"))
    }
}
