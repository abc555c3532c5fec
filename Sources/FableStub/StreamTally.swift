/// What became of the streamed replies the stub began: a test that cancels a call can tell
/// whether the transfer really stopped (aborted) or ran on to its end unseen (finished).
/// A stream the script cuts on purpose (`cutAfterChunks`) counts as neither.
public struct StreamTally: Sendable, Equatable {
    /// Streams whose headers were sent.
    public var started = 0
    /// Streams written whole, through `[DONE]` and the end of the body.
    public var finished = 0
    /// Streams that ended early because a write failed (the client closed the connection)
    /// or the stub was stopped.
    public var aborted = 0

    public init(started: Int = 0, finished: Int = 0, aborted: Int = 0) {
        self.started = started
        self.finished = finished
        self.aborted = aborted
    }

    /// Streams still being written.
    public var open: Int { started - finished - aborted }
}
