import Synchronization

/// Each world's step tree in memory (step → parent, and each step's pieces and their words), so
/// a search finds a branch's steps and statistics without walking 10,000 parents in SQL; and how
/// many of the world's pieces hold each word, which bounds what a search reads (`TermBudget`).
///
/// A world's steps are committed one at a time under its row lock, and a step's id is drawn
/// inside that lock, so within a world ids grow in commit order: the tree is brought up to
/// date by reading only the world's steps above the highest id it holds, whichever front end
/// wrote them. Steps never change parent. The least recently searched worlds go first once the
/// trees hold `capacity` steps.
final class BranchTrees: Sendable {
    /// A branch: the step and its ancestors, and what BM25 needs of their pieces.
    struct Branch: Sendable {
        var worldID: Int64
        var steps: [Int64]
        var pieces: Int
        var words: Int

        var meanWords: Double { pieces > 0 ? Double(words) / Double(pieces) : 0 }
    }

    /// A step as the tree keeps it.
    struct Node: Sendable {
        var id: Int64
        var parent: Int64?
        var pieces: Int
        var words: Int
    }

    private struct Tree {
        var nodes: [Int64: Node] = [:]
        /// Pieces holding each word (as the index holds it), over every step in `nodes`.
        var wordPieces: [String: Int] = [:]
        var highest: Int64 = 0
        var lastUse: UInt64 = 0
    }

    private struct State {
        var worlds: [Int64: Tree] = [:]
        var tick: UInt64 = 0
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 1_000_000) {
        self.capacity = capacity
    }

    /// The world known to hold `stepID`, if any tree does.
    func world(holding stepID: Int64) -> Int64? {
        state.withLock { state in state.worlds.first { $0.value.nodes[stepID] != nil }?.key }
    }

    /// The highest step id held for a world (0: none).
    func highest(worldID: Int64) -> Int64 {
        state.withLock { $0.worlds[worldID]?.highest ?? 0 }
    }

    /// Adds the steps read above `highest`, in id order, with how many of their pieces hold each
    /// word. False, adding nothing, when another search has moved the world's highest step since
    /// `highest` was read: the words would be counted twice; read again from the new highest.
    @discardableResult
    func add(_ nodes: [Node], wordPieces: [(word: String, pieces: Int)], above highest: Int64, worldID: Int64) -> Bool {
        state.withLock { state in
            var tree = state.worlds[worldID] ?? Tree()
            guard tree.highest == highest, let last = nodes.last else { return false }
            for node in nodes { tree.nodes[node.id] = node }
            tree.highest = last.id
            for (word, pieces) in wordPieces { tree.wordPieces[word, default: 0] += pieces }
            state.worlds[worldID] = tree
            var total = state.worlds.values.reduce(0) { $0 + $1.nodes.count }
            while total > capacity, state.worlds.count > 1,
                  let oldest = state.worlds.filter({ $0.key != worldID }).min(by: { $0.value.lastUse < $1.value.lastUse }) {
                total -= oldest.value.nodes.count
                state.worlds[oldest.key] = nil
            }
            return true
        }
    }

    /// How many of the world's pieces hold each of `words` (0 for a world not held).
    func pieces(holding words: [String], worldID: Int64) -> [Int] {
        state.withLock { state in
            guard let tree = state.worlds[worldID] else { return words.map { _ in 0 } }
            return words.map { tree.wordPieces[$0] ?? 0 }
        }
    }

    /// The branch ending at `stepID`, root last; nil when the world's tree does not hold it.
    func branch(endingAt stepID: Int64, worldID: Int64) -> Branch? {
        state.withLock { state in
            state.tick &+= 1
            state.worlds[worldID]?.lastUse = state.tick
            guard let tree = state.worlds[worldID], tree.nodes[stepID] != nil else { return nil }
            var branch = Branch(worldID: worldID, steps: [], pieces: 0, words: 0)
            var next: Int64? = stepID
            while let id = next, let node = tree.nodes[id] {
                branch.steps.append(id)
                branch.pieces += node.pieces
                branch.words += node.words
                next = node.parent
            }
            return branch
        }
    }
}
