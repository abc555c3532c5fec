import ArgumentParser
import FableStore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The database of the commands that need no language model (`backup`, `export`, `import`).
struct DatabaseOptions: ParsableArguments {
    @Option(help: "The SQLite database file or a PostgreSQL URL, postgres://USER@HOST:PORT/DATABASE (env FABLE_DB; default ./fable.sqlite).")
    var db: String?

    @Option(help: "A YAML config file whose `db` is used (env FABLE_CONFIG; default ./fable.yaml if present).")
    var config: String?

    /// Resolved exactly as the other commands resolve it (`Settings.resolve`): flag, env, file, default.
    func path() throws -> String {
        var arguments: [String] = []
        if let db { arguments += ["--db", db] }
        if let config { arguments += ["--config", config] }
        do {
            return try Settings.resolve(try CommonOptions.parse(arguments)).databasePath
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The store on a database that must already exist (opening a SQLite store creates a missing file).
    func existingStore() async throws -> any StoreOpener.Store {
        try await StoreOpener.open(try path(), mustExist: true)
    }
}

/// One line on standard error and a failing exit status.
func transferFailure(_ command: String, _ error: any Error) -> ExitCode {
    transferFailure(command, "\(error)")
}

func transferFailure(_ command: String, _ message: String) -> ExitCode {
    Console.err("fable \(command): \(message)\n")
    return ExitCode.failure
}

/// Writes a file readable by its owner only (a reader's story is private, like the database),
/// replacing it atomically: a temporary file beside it, then a rename.
func writePrivateFile(_ data: Data, to path: String) throws {
    let temporary = path + ".tmp-\(UUID().uuidString)"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
    guard descriptor >= 0 else {
        throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    do {
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else {
            throw ValidationError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    } catch {
        unlink(temporary)
        throw error
    }
}
