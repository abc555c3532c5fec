import FableCore

/// Keeps the other front ends' view of this one's readers current: it announces the registry's
/// logged-in readers when they change (a second after the first change, so a burst of logins
/// costs one write) and every `heartbeat` regardless, which is what tells the others this front
/// end is alive and keeps idle times fresh.
final class PresenceBeacon: Sendable {
    private let signals: AsyncStream<Void>.Continuation
    private let announcing: Task<Void, Never>
    private let ticking: Task<Void, Never>

    init(registry: ReaderRegistry, bus: any FrontEndBus, heartbeat: Duration, settle: Duration = .seconds(1)) {
        // One waiting signal at most: changes during an announcement make one more, not many.
        let (stream, signals) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.signals = signals
        announcing = Task {
            for await _ in stream {
                try? await Task.sleep(for: settle)
                if Task.isCancelled { break }
                await bus.announce(await registry.present(frontEnd: bus.frontEndID))
            }
        }
        ticking = Task {
            while !Task.isCancelled {
                signals.yield()
                try? await Task.sleep(for: heartbeat)
            }
        }
    }

    /// Who is logged in, or what they do, changed.
    func changed() {
        signals.yield()
    }

    func stop() async {
        ticking.cancel()
        signals.finish()
        announcing.cancel()
        _ = await announcing.value
    }
}
