import Synchronization

/// Query vectors embedded ahead of need, the latest `capacity` of them; shared by copies.
final class QueryVectors: Sendable {
    static let capacity = 4_096
    private let state = Mutex<(vectors: [String: [Float]], order: [String])>(([:], []))

    func vectors(_ texts: [String]) -> [[Float]?] {
        state.withLock { state in texts.map { state.vectors[$0] } }
    }

    func remember(_ pairs: [(String, [Float])]) {
        state.withLock { state in
            for (text, vector) in pairs where state.vectors.updateValue(vector, forKey: text) == nil {
                state.order.append(text)
            }
            if state.order.count > Self.capacity {
                let dropped = state.order.count - Self.capacity
                for text in state.order.prefix(dropped) { state.vectors[text] = nil }
                state.order.removeFirst(dropped)
            }
        }
    }
}
