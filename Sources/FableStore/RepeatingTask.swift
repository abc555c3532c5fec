/// Runs `action` every `interval` on a task of its own, at utility priority, until released:
/// the store's background work (checkpoints, index merges), off the commits' path.
final class RepeatingTask: Sendable {
    private let task: Task<Void, Never>

    init(every interval: Duration, _ action: @escaping @Sendable () async -> Void) {
        task = Task.detached(priority: .utility) {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await action()
            }
        }
    }

    deinit {
        task.cancel()
    }
}
