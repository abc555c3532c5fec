import ArgumentParser
import FableEngine
import Foundation

/// `fable migrate-store --from DB --to DB`: copies one database into another, SQLite or PostgreSQL.
struct MigrateStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy every account, world, step, trace and vector from one database into another.",
        discussion: """
            Either side is a SQLite file or a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE). \
            The target must be empty (a new SQLite file is created; a PostgreSQL database must exist, \
            and its schema is made). Ids are the target's own; names, labels, owners, heads, undo \
            history and password hashes are kept, so readers log in as before. Stop the servers \
            writing to the source first: what they commit during the copy may be missed.
            """)

    @Option(help: "The database to copy from (a SQLite file, which must exist, or a PostgreSQL URL).")
    var from: String

    @Option(help: "The empty database to copy into (a SQLite file or a PostgreSQL URL).")
    var to: String

    func run() async throws {
        do {
            guard StoreOpener.describe(from) != StoreOpener.describe(to) else {
                throw ValidationError("--from and --to name the same database")
            }
            let source = try await StoreOpener.open(from, mustExist: true)
            let target = try await StoreOpener.open(to)
            let worlds = try await target.allWorlds().count
            let accounts = try await target.allAccounts().count
            guard worlds == 0, accounts == 0 else {
                throw ValidationError("\(StoreOpener.describe(to)) holds \(worlds) worlds and \(accounts) accounts; "
                                      + "migrate-store copies into an empty database")
            }
            let started = ContinuousClock.now
            let report = try await StoreCopy.copy(from: source, to: target) { Console.err("fable migrate-store: \($0)\n") }
            let elapsed = ContinuousClock.now - started
            Console.out("copied \(report.accounts) accounts, \(report.worlds) worlds, \(report.steps) steps and "
                        + "\(report.vectors) vectors from \(StoreOpener.describe(from)) to \(StoreOpener.describe(to)) in "
                        + String(format: "%.1f s", Double(elapsed.components.seconds)
                                 + Double(elapsed.components.attoseconds) / 1e18) + "\n")
        } catch {
            throw transferFailure("migrate-store", error)
        }
    }
}
