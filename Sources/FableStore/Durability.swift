/// When a committed step is on the disk, not only in the operating system's cache.
/// Either way a killed server loses nothing: a commit is in the write-ahead log before it
/// returns, and the log outlives the process. The two differ on a power cut or a kernel crash.
public enum Durability: Sendable, Equatable {
    /// Every commit waits for the disk (`synchronous = FULL`): one fsync per step, 1.8 ms at
    /// p50 and 14 ms at p99 on the machine of docs/benchmarks.md.
    case everyCommit
    /// Commits do not wait for the disk (`synchronous = NORMAL`); a checkpoint on a connection
    /// of its own puts them there every `interval`, so a power cut loses at most that much.
    case within(Duration)
}
