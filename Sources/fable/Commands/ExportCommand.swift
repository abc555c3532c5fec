import ArgumentParser
import FableCore
import FableStore
import Foundation

/// `fable export PLAYER --world N`: one reader's world as Markdown (the story on the head's
/// branch) or as JSON (the whole tree, which `fable import` reads back).
struct ExportCommand: AsyncParsableCommand {
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case md, json
    }

    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a reader's world: the story as Markdown, or the whole tree as JSON.",
        discussion: """
            N is the world's number as the reader sees it in the game (`worlds`). Markdown holds the \
            branch the reader is on, each passage once, with the reader's instructions quoted; JSON \
            (format fable-world, version 1; see docs/admin.md) holds every branch, memory, option, pin \
            and trace, and `fable import` reads it back. Safe while the server runs.
            """)

    @Argument(help: "The reader's account name.")
    var player: String

    @Option(help: "The world's number in the reader's list (1 is their oldest).")
    var world: Int

    @Option(help: "md or json.")
    var format: Format = .md

    @Option(help: "Write to this file (owner-only) instead of standard output.")
    var out: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let data: Data
        do {
            let store = try await database.existingStore()
            let (_, chosen) = try await ReaderWorld.find(player: player, number: world, in: store)
            switch format {
            case .json:
                data = try await store.exportWorld(id: chosen.id).encoded()
            case .md:
                var steps: [Step] = []
                if let head = chosen.headStepID { steps = try await store.path(to: head) }
                // A revision repeats its parent's passage: the story has each passage once.
                let story = steps.filter { $0.kind == .story }
                var text = StoryMarkdown.render(title: chosen.premise.title, steps: story, instructions: true)
                if out == nil, isatty(STDOUT_FILENO) != 0 { text = TerminalText.sanitize(text) }
                data = Data(text.utf8)
            }
        } catch {
            throw transferFailure("export", error)
        }
        if let out {
            do {
                try writePrivateFile(data, to: out)
            } catch {
                throw transferFailure("export", error)
            }
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}
