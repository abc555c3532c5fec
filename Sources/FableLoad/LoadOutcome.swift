import FableStub

/// What a load run measured: the readers' figures, the stub's counts, and the server's and
/// the client's own /proc samples at each stage.
public struct LoadOutcome: Sendable {
    public var figures = LoadFigures()
    /// The paced stub's counts; nil when the server talked to its own model.
    public var stub: StubRecord.Counts?
    public var loginSeconds = 0.0
    public var playSeconds = 0.0
    public var server = ServerSamples()
    /// This process (the client and its stub) at the start and at the end.
    public var client: (start: ProcessSample?, end: ProcessSample?) = (nil, nil)

    public init() {}

    /// The server's samples; all nil without its pid.
    public struct ServerSamples: Sendable {
        public var baseline: ProcessSample?
        public var afterLogin: ProcessSample?
        public var settled: ProcessSample?
        public var afterPlay: ProcessSample?
        public var end: ProcessSample?
        /// The highest RSS seen, in KiB.
        public var peakKiB = 0
        /// The RSS each time `LoadPlan.checkpointEvery` more readers were in.
        public var checkpoints: [(readers: Int, sample: ProcessSample)] = []

        public init() {}
    }

    /// No errors, every connection made, and no step still unfinished when an active run ended.
    public var isClean: Bool {
        figures.errorCount == 0 && figures.connectFailures == 0 && figures.inFlight <= 0
    }
}
