/// Picks the lore entries that a step's recent text calls for.
public enum LoreMatcher {
    /// The entries with a key in any of `sources`, ordered by the first source that
    /// triggers them (pass the most urgent text first), then by their order in the file.
    public static func triggered(_ entries: [LoreEntry], in sources: [String]) -> [LoreEntry] {
        // Each key is looked up once for all the sources, not once per source.
        let keys = LoreKeyCache.shared.keys(of: entries)
        var chosen: [Int] = []
        for source in sources where !source.isEmpty {
            let source = LoreText(source)
            for (index, entryKeys) in keys.enumerated()
            where !chosen.contains(index) && entryKeys.contains(where: { $0.matches(source) }) {
                chosen.append(index)
            }
        }
        return chosen.map { entries[$0] }
    }
}
