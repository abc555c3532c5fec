import FableStub

/// The paced stub model a load run plays against (`PacedStoryteller` on `StubLLMServer`), in
/// the load client's process, so its marks and the client's instants are on one clock.
public struct LoadStub: Sendable {
    public let server: StubLLMServer
    public let storyteller: PacedStoryteller

    /// Starts listening on 127.0.0.1:`port` (0: any free port).
    public static func start(port: Int, pacing: StubPacing) async throws -> LoadStub {
        let storyteller = PacedStoryteller(pacing: pacing)
        // A long run's prompts are not kept: the client's memory is part of its report.
        let server = try await StubLLMServer.start(port: port, script: storyteller.script(), keepsRequests: false)
        return LoadStub(server: server, storyteller: storyteller)
    }

    public var url: String { server.url }
    public var record: StubRecord { storyteller.record }

    /// "stub: URL — …": where the server must point, and the pace.
    public var description: String {
        let pacing = storyteller.pacing
        return "stub: \(url) — start the server with FABLE_LLM_URL=\(url); "
            + "\(LoadReport.number(pacing.tokensPerSecond)) tokens/s of \(pacing.charsPerToken) characters, "
            + "first token after \(Int(pacing.firstToken.milliseconds)) ms"
    }

    public func stop() async {
        await server.stop()
    }
}
