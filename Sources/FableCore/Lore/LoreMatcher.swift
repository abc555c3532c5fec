/// Picks the lore entries that a step's recent text calls for.
public enum LoreMatcher {
    /// The entries with a key in any of `sources`, ordered by the first source that
    /// triggers them (pass the most urgent text first), then by their order in the file.
    public static func triggered(_ entries: [LoreEntry], in sources: [String]) -> [LoreEntry] {
        var chosen: [Int] = []
        for source in sources where !source.isEmpty {
            let source = LoreText(source)
            for (index, entry) in entries.enumerated() where !chosen.contains(index) && entry.isTriggered(by: source) {
                chosen.append(index)
            }
        }
        return chosen.map { entries[$0] }
    }
}
