import ArgumentParser

@main
struct Fable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fable",
        abstract: "Interactive fiction of any length, written by a language model that remembers.",
        subcommands: [PlayCommand.self, WriteCommand.self, ServeCommand.self, StoriesCommand.self, InspectCommand.self, ConfigCommand.self, MemoryCommand.self, AdminCommand.self, BackupCommand.self, ExportCommand.self, ImportCommand.self, MigrateStoreCommand.self, StubCommand.self, BenchCommand.self, LoadCommand.self])
}
