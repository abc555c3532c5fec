import FableCore
import Synchronization

/// A bus whose other front ends are the test: it records what the server publishes and
/// announces, and hands the server events and remote readers the test makes up.
final class ScriptedFrontEndBus: FrontEndBus {
    let frontEndID = "here00000000"
    private struct State {
        var handler: (@Sendable (FrontEndEvent) async -> Void)?
        var published: [FrontEndEvent] = []
        var announced: [[PresentReader]] = []
        var remote: [PresentReader] = []
        var stopped = false
    }
    private let state = Mutex(State())

    func start(receiving handler: @escaping @Sendable (FrontEndEvent) async -> Void) async throws {
        state.withLock { $0.handler = handler }
    }

    func publish(_ event: FrontEndEvent) async {
        state.withLock { $0.published.append(event) }
    }

    func announce(_ readers: [PresentReader]) async {
        state.withLock { $0.announced.append(readers) }
    }

    func remoteReaders() async -> [PresentReader] { state.withLock { $0.remote } }

    func stop() async {
        state.withLock { $0.stopped = true }
    }

    // MARK: The test's side

    /// An event from another front end, as the real bus hands it over.
    func receive(_ event: FrontEndEvent) async {
        let handler = state.withLock { $0.handler }
        await handler?(event)
    }

    var published: [FrontEndEvent] { state.withLock { $0.published } }
    var announced: [[PresentReader]] { state.withLock { $0.announced } }
    var stopped: Bool { state.withLock { $0.stopped } }

    func setRemote(_ readers: [PresentReader]) {
        state.withLock { $0.remote = readers }
    }
}
