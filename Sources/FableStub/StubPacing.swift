/// How fast a paced stub writes: one token (`charsPerToken` characters, one server-sent event)
/// at a time, `tokensPerSecond` of them after `firstToken`, as a model server streams.
public struct StubPacing: Sendable, Equatable {
    public var tokensPerSecond: Double
    public var firstToken: Duration
    public var charsPerToken: Int

    public init(tokensPerSecond: Double, firstToken: Duration, charsPerToken: Int) {
        self.tokensPerSecond = tokensPerSecond
        self.firstToken = firstToken
        self.charsPerToken = charsPerToken
    }

    /// The time between two tokens.
    public var interval: Duration {
        .nanoseconds(Int64(1e9 / max(0.001, tokensPerSecond)))
    }
}
