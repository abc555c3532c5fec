import Synchronization

/// A new step's long-term index entries (its pieces' vectors, its options' query vectors) are
/// made after the step is committed and shown, so the reader never waits for the embeddings
/// server at the end of a turn. The world's next step, a `recall` in it and a shutdown wait
/// for them; a world's indexing runs one step after another. A step whose indexing never
/// ran (the process stopped first) is found by the backfill of a later step.
final class StepIndexing: Sendable {
    private struct Pending {
        var id: UInt64
        var task: Task<Void, Never>
    }

    private let state = Mutex<(next: UInt64, pending: [Int64: Pending])>((0, [:]))

    /// Runs `work` after the world's indexing that is already under way. It is not cancelled
    /// with the step's task: a reader who leaves still gets their step indexed.
    func start(worldID: Int64, _ work: @escaping @Sendable () async -> Void) {
        state.withLock { state in
            state.next += 1
            let id = state.next
            let previous = state.pending[worldID]?.task
            state.pending[worldID] = Pending(id: id, task: Task {
                await previous?.value
                await work()
                self.finished(worldID: worldID, id: id)
            })
        }
    }

    /// Returns when the world's indexing started so far has finished.
    func settle(worldID: Int64) async {
        await state.withLock { $0.pending[worldID]?.task }?.value
    }

    /// Returns when every world's indexing has finished, or after `limit`, when what is left
    /// is cancelled (a later step's backfill makes it).
    func settleAll(within limit: Duration) async {
        let tasks = state.withLock { $0.pending.values.map(\.task) }
        guard !tasks.isEmpty else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for task in tasks { await task.value } }
            group.addTask {
                guard (try? await Task.sleep(for: limit)) != nil else { return }
                for task in tasks { task.cancel() }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func finished(worldID: Int64, id: UInt64) {
        state.withLock { state in
            if state.pending[worldID]?.id == id { state.pending[worldID] = nil }
        }
    }
}
