import ArgumentParser
import FableCore
import FableStories

/// `fable stories check` and `fable stories list`: the authoring side of story files.
struct StoriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stories",
        abstract: "Check and list story files (see docs/authoring.md).",
        subcommands: [Check.self, List.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check story files: every problem, with its line and what to write instead.",
            discussion: "Exits with status 1 when any file has a problem.")

        @Argument(help: "Story files, or folders whose *.md files are checked (default: stories).")
        var paths: [String] = []

        func run() throws {
            let report = StoryFolder.check(paths: paths.isEmpty ? ["stories"] : paths)
            for problem in report.problems {
                Console.out("\(problem)\n")
            }
            let files = report.files.count == 1 ? "1 file" : "\(report.files.count) files"
            if report.isGood {
                Console.out("checked \(files): all good\n")
            } else {
                let count = report.problems.count
                let bad = max(1, report.badFileCount)
                Console.out("checked \(files): \(count) problem\(count == 1 ? "" : "s") in \(bad) file\(bad == 1 ? "" : "s")\n")
                throw ExitCode.failure
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the stories a new world can start from.")

        @Option(help: "The stories folder.")
        var stories = "stories"

        func run() throws {
            let (found, problems) = StoryLibrary(directory: stories).stories()
            let rows = [["ID", "TITLE", "GENRE", "MODE", "LANGUAGE"]] + found.map {
                [$0.id, TerminalText.sanitize($0.title), TerminalText.sanitize($0.genre), $0.mode.rawValue, $0.language]
            }
            let widths = (0..<5).map { column in rows.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
            for row in rows {
                let cells = row.enumerated().map { column, text in
                    column == row.count - 1 ? text : text + String(repeating: " ", count: widths[column] - DisplayWidth.of(text))
                }
                Console.out(cells.joined(separator: "  ") + "\n")
            }
            let bad = Set(problems.map(\.file)).sorted()
            if !bad.isEmpty {
                Console.err("fable: left out, with problems: \(bad.joined(separator: ", ")). Run `fable stories check \(stories)`.\n")
            }
        }
    }
}
