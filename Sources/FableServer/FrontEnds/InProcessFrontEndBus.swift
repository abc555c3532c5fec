import FableCore

/// The bus of a server alone on its store (SQLite, or a single front end): there are no other
/// front ends, so nothing is sent and nobody else is connected.
public struct InProcessFrontEndBus: FrontEndBus {
    public let frontEndID = FrontEndID.random()

    public init() {}

    public func start(receiving handler: @escaping @Sendable (FrontEndEvent) async -> Void) async throws {}
    public func publish(_ event: FrontEndEvent) async {}
    public func announce(_ readers: [PresentReader]) async {}
    public func remoteReaders() async -> [PresentReader] { [] }
    public func stop() async {}
}
