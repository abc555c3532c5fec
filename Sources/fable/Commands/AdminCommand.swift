import ArgumentParser
import FableCore
import FableStore

struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Make a reader an admin, or a reader again.",
        subcommands: [Grant.self, Revoke.self])

    struct Grant: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a reader the admin commands (@who, @inspect…).")
        @Argument(help: "The reader's name.") var name: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await AdminCommand.set(name, admin: true, database: database)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take the admin commands away again.")
        @Argument(help: "The reader's name.") var name: String
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await AdminCommand.set(name, admin: false, database: database)
        }
    }

    static func set(_ name: String, admin: Bool, database: DatabaseOptions) async throws {
        let store = try await database.existingStore()
        do {
            let account = try await store.setAdmin(name: name, admin)
            Console.out("\(account.name) is \(admin ? "now an admin" : "no longer an admin"). A reader logged in now sees it at their next login.\n")
        } catch let error as AccountError {
            throw ValidationError(error.description)
        }
    }
}
