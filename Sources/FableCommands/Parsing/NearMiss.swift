/// Suggestions for a mistyped word: the known words within a small edit distance.
public enum NearMiss {
    public static func suggestions(for typed: String, among words: [String]) -> [String] {
        let typed = Array(typed.lowercased())
        guard typed.count >= 3 else { return [] }
        let allowed = typed.count >= 6 ? 2 : 1
        return words
            .map { (word: $0, distance: distance(typed, Array($0))) }
            .filter { $0.distance <= allowed }
            .sorted { $0.distance < $1.distance }
            .map(\.word)
    }

    /// Damerau–Levenshtein (optimal string alignment): a swap of two letters counts once.
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}
