import ArgumentParser
import FableCore
import FableStore
import Foundation

/// `fable import FILE`: a world exported as JSON becomes a new world in this database.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a world exported with `fable export --format json` as a new world.",
        discussion: """
            The owner is --player, else the reader named in the file if that account exists here, \
            else nobody. The file is checked first (format, version, a sound tree); a bad file \
            changes nothing. Safe while the server runs.
            """)

    @Argument(help: "The JSON file (- for standard input).")
    var file: String

    @Option(help: "The account that will own the world.")
    var player: String?

    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        do {
            let path = try database.path()
            let data = file == "-" ? FileHandle.standardInput.readDataToEndOfFile()
                : try Data(contentsOf: URL(fileURLWithPath: file))
            let archive = try WorldArchive.decode(data)
            _ = try archive.validate()
            let store = try await StoreOpener.open(path)
            var owner: Account?
            if let player {
                guard let account = try await store.account(name: player) else { throw AccountError.noSuchAccount(player) }
                owner = account
            } else if let name = archive.owner {
                owner = try await store.account(name: name)
            }
            let source = file == "-" ? "stdin" : URL(fileURLWithPath: file).standardizedFileURL.path
            let world = try await store.importWorld(archive, ownerID: owner?.id, label: "import:" + source)
            let steps = archive.steps.count
            let what = "\"\(TerminalText.sanitize(archive.premise.title))\" (\(steps) step\(steps == 1 ? "" : "s"))"
            if let owner {
                let number = (try await store.worlds(ownerID: owner.id).firstIndex { $0.id == world.id } ?? 0) + 1
                Console.out("imported \(what) as world \(number) of \(owner.name)\n")
            } else {
                let note = archive.owner.map { " (there is no reader called \($0) here; give --player NAME)" } ?? ""
                Console.out("imported \(what) as world #\(world.id), owned by no reader\(note)\n")
            }
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
            throw transferFailure("import", "there is no file \(file)")
        } catch {
            throw transferFailure("import", error)
        }
    }
}
