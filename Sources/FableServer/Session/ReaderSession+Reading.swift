import FableCore
import FableEngine

/// Looking back: memory, recall, recap, read (paged), branches, export.
extension ReaderSession {
    func showMemory(_ head: Step) async {
        await screen.say("What the storyteller keeps in mind:")
        await screen.sayUntrusted(head.content.memory.isEmpty ? "(nothing yet)" : head.content.memory)
        await screen.say("Last change:")
        await screen.sayUntrusted(head.content.memoryChange.isEmpty ? "(none)" : head.content.memoryChange)
        if head.content.pins.isEmpty {
            await screen.say("Pinned facts: none (`pin FACT` keeps one in every prompt).")
        } else {
            await screen.say("Pinned facts (always in the prompt):")
            for (index, pin) in head.content.pins.enumerated() { await screen.sayUntrusted("  \(index + 1). \(pin)") }
        }
    }

    /// A memory edit, pin or unpin, recorded as a revision step.
    func revise(_ revision: MemoryRevision, done: String) async {
        guard let worldID else { return }
        do {
            _ = try await context.storyteller.revise(worldID: worldID, revision)
            await screen.say(done)
        } catch let error as StepError {
            await screen.say("That did not work: \(error.description).")
        } catch {
            await screen.say("That did not work (\(error)).")
        }
    }

    func recall(_ words: String, from head: Step) async {
        let terms = SearchTerms.from(instruction: words, memory: "")
        guard !terms.isEmpty else {
            await screen.say("Give words to look for, e.g. `recall the silver key`.")
            return
        }
        let found = (try? await context.storyteller.retriever.recall(words, endingAt: head.id)) ?? []
        guard !found.isEmpty else {
            await screen.say("Nothing earlier in this story mentions that.")
            return
        }
        for passage in found {
            await screen.sayUntrusted("Step \(passage.depth): \(passage.pieces.first?.text ?? passage.indexLine)")
        }
        await screen.say("(`read N` shows step N in full.)")
    }

    func recap(_ head: Step) async {
        guard let path = try? await context.store.path(to: head.id).filter({ $0.kind == .story }) else { return }
        let shown = path.suffix(30)
        if shown.count < path.count { await screen.say("(The last \(shown.count) of \(path.count) steps.)") }
        for step in shown {
            await screen.sayUntrusted("\(step.depth). \(step.content.indexLine)")
        }
    }

    /// The passages from step `from` on (or the latest three), a page at a time.
    func read(from: Int?, head: Step) async {
        guard let path = try? await context.store.path(to: head.id).filter({ $0.kind == .story }) else { return }
        let start = from ?? max(1, head.depth - 2)
        guard start >= 1, start <= head.depth else {
            await screen.say("This branch has steps 1 to \(head.depth).")
            return
        }
        let width = await screen.width
        var lines: [String] = []
        for step in path where step.depth >= start {
            lines.append("— Step \(step.depth) —")
            if !step.instruction.isEmpty {
                lines.append(contentsOf: Self.wrap("> " + step.instruction, width: width))
            }
            lines.append(contentsOf: Self.wrap(step.content.passage, width: width))
            lines.append("")
        }
        pager = lines
        await showPage()
    }

    /// Handles a line while a page is waiting: Enter shows more, `q` stops. Other lines
    /// end paging and are handled as usual (returns false).
    func page(_ line: String) async -> Bool {
        switch line.trimmingCharacters(in: .whitespaces).lowercased() {
        case "":
            await showPage()
            return true
        case "q", "quit":
            pager = []
            return true
        default:
            pager = []
            return false
        }
    }

    func showPage() async {
        let size = account?.settings.pageLines ?? 20
        let count = size > 0 ? min(size, pager.count) : pager.count
        let page = pager.prefix(count)
        pager.removeFirst(count)
        await screen.raw(page.joined(separator: "\n") + "\n")
        if !pager.isEmpty { await screen.say("-- More: Enter for the next page, q to stop (\(pager.count) lines left) --") }
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var wrapper = WordWrapper(width: width)
        let wrapped = wrapper.feed(TerminalText.sanitize(text)) + wrapper.finish()
        return wrapped.components(separatedBy: "\n")
    }

    func showBranches() async {
        guard let worldID, let ends = try? await context.store.branchEnds(worldID: worldID) else { return }
        let headID = (try? await context.store.world(id: worldID))?.headStepID
        var text = "Branches of this world (`goto N` jumps to one):\n"
        for (index, end) in ends.enumerated() {
            let here = end.id == headID ? "  ← here" : ""
            text += "  \(index + 1). step \(end.depth): \(TerminalText.sanitize(end.content.indexLine))\(here)\n"
        }
        await screen.raw(text)
    }

    func goTo(_ number: Int) async {
        guard let worldID, let ends = try? await context.store.branchEnds(worldID: worldID) else { return }
        guard ends.indices.contains(number - 1) else {
            await screen.say("Choose a branch from 1 to \(ends.count) (see `branches`).")
            return
        }
        let target = ends[number - 1].id
        await move { store in try await store.moveHead(worldID: worldID, to: target) }
    }

    func export(_ head: Step) async {
        guard let worldID, let world = try? await context.store.world(id: worldID),
              let path = try? await context.store.path(to: head.id).filter({ $0.kind == .story }) else { return }
        let markdown = StoryMarkdown.render(title: world.premise.title, steps: path, instructions: true)
        await screen.raw("----- BEGIN STORY (Markdown) -----\n" + TerminalText.sanitize(markdown)
                         + "\n----- END STORY -----\n")
    }
}
