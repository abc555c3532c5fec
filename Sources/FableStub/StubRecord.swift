import Synchronization

/// What a paced stub did, shared with the load client in the same process, which reads the
/// same clock (`ContinuousClock`): for each reply, by its number, the instants the client
/// subtracts from its own; and how many streams ran.
public final class StubRecord: Sendable {
    public struct Marks: Sendable, Equatable {
        /// The request had arrived whole.
        public var requested: ContinuousClock.Instant
        /// The token holding the passage's first character was written.
        public var passage: ContinuousClock.Instant?
        /// The token completing the passage's first word was written.
        public var word: ContinuousClock.Instant?
        /// The token that lets the passage gate show the passage was written.
        public var released: ContinuousClock.Instant?

        public init(requested: ContinuousClock.Instant, passage: ContinuousClock.Instant? = nil,
                    word: ContinuousClock.Instant? = nil, released: ContinuousClock.Instant? = nil) {
            self.requested = requested
            self.passage = passage
            self.word = word
            self.released = released
        }
    }

    public struct Counts: Sendable, Equatable {
        public var requests = 0
        /// Streams written whole.
        public var completed = 0
        /// Streams that ended early (the client closed the connection).
        public var cut = 0
        public var tokens = 0
        /// Streams being written now, and the most at once.
        public var streaming = 0
        public var mostStreaming = 0
    }

    private let marks = Mutex<[Int: Marks]>([:])
    private let counts = Mutex(Counts())

    public init() {}

    public func marks(of number: Int) -> Marks? {
        marks.withLock { $0[number] }
    }

    public var snapshot: Counts { counts.withLock { $0 } }

    func requested(_ number: Int) {
        let now = ContinuousClock.now
        marks.withLock { $0[number] = Marks(requested: now) }
        counts.withLock { counts in
            counts.requests += 1
            counts.streaming += 1
            counts.mostStreaming = max(counts.mostStreaming, counts.streaming)
        }
    }

    func markPassage(_ number: Int) {
        let now = ContinuousClock.now
        marks.withLock { $0[number]?.passage = now }
    }

    func markWord(_ number: Int) {
        let now = ContinuousClock.now
        marks.withLock { $0[number]?.word = now }
    }

    func markReleased(_ number: Int) {
        let now = ContinuousClock.now
        marks.withLock { $0[number]?.released = now }
    }

    func ended(tokens: Int, completed: Bool) {
        counts.withLock { counts in
            counts.streaming -= 1
            counts.tokens += tokens
            if completed { counts.completed += 1 } else { counts.cut += 1 }
        }
    }
}
