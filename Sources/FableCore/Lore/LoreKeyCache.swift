import Synchronization

/// Lore keys prepared once per process, by the key as written in the story file: a story's
/// keys are checked at every step of every world, and are the same few dozen strings.
final class LoreKeyCache: Sendable {
    static let shared = LoreKeyCache()

    private let prepared = Mutex<[String: PreparedLoreKey]>([:])

    func key(_ written: String) -> PreparedLoreKey {
        if let known = prepared.withLock({ $0[written] }) { return known }
        let key = PreparedLoreKey(LoreKey(written))
        prepared.withLock { cache in
            // Story files are few; the cap only guards a stream of new keys (admin edits, tests).
            if cache.count >= 4096 { cache.removeAll() }
            cache[written] = key
        }
        return key
    }

    /// Every key of `entries`, prepared, in order: what `LoreMatcher` checks each source with.
    func keys(of entries: [LoreEntry]) -> [[PreparedLoreKey]] {
        entries.map { $0.keys.map(key) }
    }
}
