import FableCore

extension StepBench {
    /// The parts of one step, in the order the engine runs them, each timed through the
    /// engine's own function (`Storyteller`'s phases, `StreamedReply`, `ReplyValidator.check`).
    public enum Part: String, CaseIterable, Sendable {
        case position = "the world's position and the head (one read; Storyteller.parent(at:))"
        case bm25 = "context, retrieval BM25 (Storyteller.context)"
        case fused = "context, retrieval BM25 + dense, fused (RRF)"
        case prompt = "prompt, bench premise without lore (Storyteller.prompt + reply schema)"
        case promptLore = "prompt, the story's premise with its lore"
        case decode = "streamed reply: decoder and gate (StreamedReply)"
        case validate = "reply read and checked (ReplyValidator.check + content)"
        case commit = "commit (one transaction, fsync: the default --durability every-step)"
        case commitEverySecond = "commit with --durability every-second (no fsync; flushed each second)"
        case backfill = "dense only, while the model writes: the backfill's query for steps without vectors"
        case index = "dense only, after the step is shown: its vectors (precomputed) stored (Storyteller.index)"
        case emptyRead = "for scale, not in the totals: an empty read (one hop to a reader and back)"
    }

    /// Wall and CPU milliseconds of many samples of one thing.
    public struct Timing: Sendable {
        public var wall = Samples()
        public var cpu = Samples()

        public init() {}

        mutating func add(_ lap: Stopwatch.Lap) {
            wall.add(lap.wall)
            cpu.add(lap.cpu)
        }
    }

    /// What one world size measured.
    public struct Result: Sendable {
        public var size: Int
        /// Each part's samples.
        public var parts: [Part: Timing] = [:]
        /// A step with BM25 alone: the sum of its parts in each sample.
        public var totalLexical = Timing()
        /// The same with the commit of `--durability every-second` (wall time only).
        public var totalLexicalEverySecond = Samples()
        /// A step with dense retrieval, what the reader waits for: fused retrieval and the commit.
        public var totalFused = Timing()
        /// The same, the backfill's query (while the model writes) and the step's indexing
        /// (after it is shown): the work a step costs the machine.
        public var totalFusedIndexed = Timing()
        /// The whole engine (`Storyteller.advance`) against an instant in-process model.
        public var engineLexical: Timing?
        public var engineFused: Timing?
        /// The prompt of the step after step 10 of the head's branch, and after its last step.
        public var promptAt10: Prompt
        public var promptAtLast: Prompt
        /// Whether the prompt of the totals was built from a story's premise with its lore.
        public var storyPremise: Bool
        /// The database and its write-ahead log.
        public var databaseBytes: Int
    }
}
