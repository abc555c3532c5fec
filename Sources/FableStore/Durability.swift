/// When a committed step is on the disk, not only in the operating system's cache.
/// Either way a killed server loses nothing: a commit is in the write-ahead log before it
/// returns, and the log outlives the process. The two differ on a power cut or a kernel crash.
public enum Durability: Sendable, Equatable {
    /// Every commit waits for the disk (`synchronous = FULL`): one fsync per step, which on an
    /// ordinary disk is most of a commit's time (docs/benchmarks.md has figures).
    case everyCommit
    /// Commits do not wait for the disk (`synchronous = NORMAL`); a checkpoint on a connection
    /// of its own puts them there every `interval`, so a power cut loses at most that much.
    case within(Duration)
}

extension Durability {
    /// How often `WALCheckpointer` copies the log into the database file: under `within`,
    /// also how much a power cut can lose.
    var checkpointInterval: Duration {
        switch self {
        case .everyCommit: .seconds(1)
        case .within(let interval): interval
        }
    }
}
