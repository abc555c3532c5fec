import FableCore

/// The reader's commands, once logged in.
extension ReaderSession {
    func perform(_ command: ReaderCommand) async {
        switch command {
        case .empty:
            break
        case .help(nil):
            await screen.raw(HelpTopics.overview + "\n")
        case .help(let topic?):
            await screen.raw(HelpTopics.text(for: topic) + "\n")
        case .misuse(let advice):
            await screen.say("Write it like this: \(advice).")
        case .nearMiss(let typed, let suggestions):
            let list = suggestions.map { "`\($0)`" }.joined(separator: " or ")
            await screen.say("`\(typed)` is not a command. Did you mean \(list)? (To tell the story `\(typed)`, add a word or put it in quotes.)")
        case .who:
            await showWho()
        case .quit:
            await quit()
        case .worlds:
            await showWorlds()
        case .stories:
            await showStories()
        case .new(let story):
            await newWorld(story)
        case .play(let number):
            await playWorld(number)
        case .settings(let words):
            await settings(words)
        case .stop:
            await screen.say("Nothing is being written just now.")
        case .admin(let action):
            await admin(action)
        default:
            await performInWorld(command)
        }
    }

    /// Commands that need a world.
    private func performInWorld(_ command: ReaderCommand) async {
        guard let worldID else {
            await screen.say("You are not in a world yet: `new STORY` starts one (see `stories`), `play N` resumes one of `worlds`.")
            return
        }
        let head = await headStep()
        if head == nil, command != .proceed {
            await screen.say("This story has not begun. Type `continue` to begin it.")
            return
        }
        switch command {
        case .choose(let number):
            guard let head, head.content.options.indices.contains(number - 1) else {
                await screen.say("There is no option \(number). Choose 1 to \(head?.content.options.count ?? 3), or write your own.")
                return
            }
            await advance(.option(number - 1))
        case .edit(let number, let text):
            guard let head, head.content.options.indices.contains(number - 1) else {
                await screen.say("There is no option \(number) to edit.")
                return
            }
            await advance(.custom(text))
        case .instruction(let text):
            await advance(.custom(text))
        case .proceed:
            if head == nil { await begin(worldID) } else { await advance(.proceed) }
        case .auto(let count):
            let limit = context.configuration.autoStepLimit
            guard (1...limit).contains(count) else {
                await screen.say("auto takes a number from 1 to \(limit).")
                return
            }
            autoRemaining = count - 1
            await advance(.auto)
        case .retry:
            await retry()
        case .undo, .redo:
            await move { store in command == .undo ? try await store.undo(worldID: worldID)
                                                   : try await store.redo(worldID: worldID) }
        case .branches:
            await showBranches()
        case .goto(let number):
            await goTo(number)
        case .memory:
            if let head { await showMemory(head) }
        case .editMemory(let text):
            await revise(.replaceMemory(text), done: "The memory is replaced (`undo` takes it back).")
        case .pin(let fact):
            await revise(.pin(fact), done: "Pinned. It stays in every prompt from now on (`unpin` or `undo` to let it go).")
        case .unpin(let number):
            await revise(.unpin(number), done: "Unpinned.")
        case .recall(let words):
            if let head { await recall(words, from: head) }
        case .recap:
            if let head { await recap(head) }
        case .read(let from):
            if let head { await read(from: from, head: head) }
        case .export:
            if let head { await export(head) }
        default:
            break
        }
    }

    func headStep() async -> Step? {
        guard let worldID, let world = try? await context.store.world(id: worldID),
              let headID = world.headStepID else { return nil }
        return try? await context.store.step(id: headID)
    }

    private func showWho() async {
        let readers = await context.registry.readers()
        var text = "\(readers.count) reader\(readers.count == 1 ? "" : "s") here:\n"
        for reader in readers {
            let idle = Int(-reader.lastInput.timeIntervalSinceNow)
            text += "  \(TerminalText.sanitize(reader.name ?? "?"))  (idle \(Self.duration(idle)), \(TerminalText.sanitize(reader.activity)))\n"
        }
        await screen.raw(text)
    }

    static func duration(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds) s" : seconds < 3600 ? "\(seconds / 60) min" : "\(seconds / 3600) h"
    }

    private func quit() async {
        if let head = await headStep() {
            await screen.say("Your world is saved at step \(head.depth). Goodbye.")
        } else {
            await screen.say("Goodbye.")
        }
        closing = true
    }
}
