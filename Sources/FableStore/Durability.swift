/// When a committed step is on the disk, not only in the operating system's cache.
/// Either way a killed server loses nothing: a commit is in the write-ahead log before it
/// returns, and the log outlives the process. The two differ on a power cut or a kernel crash.
public enum Durability: Sendable, Equatable {
    /// Every commit waits for the disk (`synchronous = FULL`): one fsync per step. On the machine
    /// of docs/benchmarks.md a commit takes 0.93 ms at p50 with it and 0.71 without; the fsync
    /// shows mostly in the p99 (12.8 against 9.4 ms).
    case everyCommit
    /// Commits do not wait for the disk (`synchronous = NORMAL`); a checkpoint on a connection
    /// of its own puts them there every `interval`, so a power cut loses at most that much.
    case within(Duration)
}
