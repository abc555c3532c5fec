import FableCore
import Foundation

/// Runs the recurrence step of SPEC §1: retrieve, build the prompt, call the model
/// while streaming the passage, validate (repairing or rewriting a bad reply: `ReplyLoop`), commit.
public struct Storyteller: Sendable {
    public let store: any StoryStore
    public let model: any ChatModel
    public let settings: StorySettings
    public let retryPolicy: RetryPolicy
    /// Shared by every step of this storyteller: an endpoint that is down is left alone a while.
    public let breaker: CircuitBreaker
    /// Long-term search: BM25, fused with a dense ranking when an embedder is set.
    public let retriever: Retriever
    /// The prompt budget in the model's own tokens, as its server counts them.
    let calibration = TokenCalibration()
    /// New steps' vectors, made after each step is shown.
    let indexing = StepIndexing()

    /// `embedder`: dense retrieval (vectors kept in `vectors`, by default the store itself
    /// when it keeps vectors). Without one, BM25 alone searches. `denseStatusChanged` is told
    /// when the embeddings endpoint stops or starts answering.
    public init(store: any StoryStore, model: any ChatModel, settings: StorySettings = .default,
                retryPolicy: RetryPolicy = RetryPolicy(), breaker: CircuitBreaker = CircuitBreaker(),
                embedder: (any Embedder)? = nil,
                vectors: (any VectorStore)? = nil,
                denseStatusChanged: (@Sendable (DenseStatus) -> Void)? = nil) {
        self.store = store
        self.model = model
        self.settings = settings
        self.retryPolicy = retryPolicy
        self.breaker = breaker
        retriever = Retriever(store: store, embedder: embedder, vectors: vectors, statusChanged: denseStatusChanged)
    }

    /// Steps whose vector is missing are embedded this many at a time, during a step.
    public static let backfillBatch = 16

    /// Returns when the world's steps written so far have their vectors (or their embedding
    /// failed, for a later backfill): what `recall` searches and tests read.
    public func indexed(worldID: Int64) async {
        await indexing.settle(worldID: worldID)
    }

    /// Waits for every world's new steps to get their vectors, at most `limit` (a server's
    /// stop, the end of `fable write`); what is left then is backfilled by a later step.
    public func finishIndexing(within limit: Duration) async {
        await indexing.settleAll(within: limit)
    }

    /// Where a step's events go as they happen, in order. `.passage` is called on the model
    /// transport's thread as each piece arrives (no hop to the step's task per piece),
    /// the others on the step's task; so the receiver must not block, only hand the event on.
    public typealias StepEvents = @Sendable (StepEvent) -> Void

    /// The opening step of a world that has none yet.
    /// `preferences`: the reader's wishes (length, tone, limits), put into the prompt.
    public func begin(worldID: Int64, preferences: ReaderPreferences = .none,
                      events: @escaping StepEvents) async throws -> Step {
        try await mappingErrors {
            // Only the world is needed (one read): a world that has a head is refused.
            let world = try await loadWorld(worldID)
            guard world.headStepID == nil else { throw StepError.wrongState("the story has already begun") }
            return try await write(world: world, parent: nil, instruction: .proceed, expectedHead: nil,
                                   preferences: preferences, emit: events)
        }
    }

    /// A new step after the head, following the reader's instruction.
    public func advance(worldID: Int64, instruction: Instruction, preferences: ReaderPreferences = .none,
                        events: @escaping StepEvents) async throws -> Step {
        try await mappingErrors {
            let position = try await store.position(worldID: worldID)
            let parent = try parent(at: position)
            if case .option(let index) = instruction, !parent.step.content.options.indices.contains(index) {
                throw StepError.wrongState("there is no option \(index + 1)")
            }
            return try await write(world: position.world, parent: parent, instruction: instruction,
                                   expectedHead: parent.step.id, preferences: preferences, emit: events)
        }
    }

    /// A new version of the head step: a sibling with the same parent and instruction.
    public func retry(worldID: Int64, preferences: ReaderPreferences = .none,
                      events: @escaping StepEvents) async throws -> Step {
        try await mappingErrors {
            let position = try await store.position(worldID: worldID)
            let head = try parent(at: position).step
            guard head.kind == .story else {
                throw StepError.wrongState("the last change was to the memory, not a passage: undo it first, then retry")
            }
            var parent: StepParent?
            if let parentID = head.parentID, let step = try await store.step(id: parentID) {
                // The head's parent is on the head's branch: same opening. Its own search start
                // is read, as the position's is the head's.
                parent = StepParent(step: step, outline: position.opening?.content.outline ?? "",
                                    searchStart: try await store.searchStart(below: step))
            }
            let instruction: Instruction = head.instruction.isEmpty ? .proceed : .custom(head.instruction)
            return try await write(world: position.world, parent: parent, instruction: instruction,
                                   expectedHead: head.id, preferences: preferences, emit: events)
        }
    }

    /// `begin` as a stream of events, ending after `.committed`.
    public func begin(worldID: Int64, preferences: ReaderPreferences = .none) -> AsyncThrowingStream<StepEvent, any Error> {
        stream { events in try await begin(worldID: worldID, preferences: preferences, events: events) }
    }

    /// `advance` as a stream of events, ending after `.committed`.
    public func advance(worldID: Int64, instruction: Instruction,
                        preferences: ReaderPreferences = .none) -> AsyncThrowingStream<StepEvent, any Error> {
        stream { events in
            try await advance(worldID: worldID, instruction: instruction, preferences: preferences, events: events)
        }
    }

    /// `retry` as a stream of events, ending after `.committed`.
    public func retry(worldID: Int64, preferences: ReaderPreferences = .none) -> AsyncThrowingStream<StepEvent, any Error> {
        stream { events in try await retry(worldID: worldID, preferences: preferences, events: events) }
    }

    /// The engine's errors as callers see them: the store's and the model's wrapped in `StepError`.
    private func mappingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw StepError.store(error)
        } catch let error as ModelError {
            throw StepError.model(error)
        } catch is CancellationError {
            throw StepError.model(.cancelled)
        }
    }

    /// A step run on a task of its own, its events yielded to the stream; ending the stream's
    /// iteration cancels the step.
    private func stream(_ body: @escaping @Sendable (_ events: @escaping StepEvents) async throws -> Step)
        -> AsyncThrowingStream<StepEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    _ = try await body { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func loadWorld(_ id: Int64) async throws -> World {
        guard let world = try await store.world(id: id) else { throw StoreError.noSuchWorld(id) }
        return world
    }

    private func write(world: World, parent: StepParent?, instruction: Instruction, expectedHead: Int64?,
                       preferences: ReaderPreferences, emit: @escaping StepEvents) async throws -> Step {
        // The last step's vectors and options' query vectors are this step's to search with.
        await indexing.settle(worldID: world.id)
        let started = ContinuousClock.now
        let firstPassage = FirstMoment()
        let emit: StepEvents = { event in
            if case .passage = event { firstPassage.mark() }
            emit(event)
        }
        let context = try await context(world: world, parent: parent, instruction: instruction,
                                        preferences: preferences)
        let prompt = prompt(for: context)
        // Dense retrieval: steps still without a vector (the endpoint was down, or came later)
        // are embedded while the model writes, and the reader waits for none of them.
        if retriever.isDense {
            indexing.start(worldID: world.id) { await retriever.backfill(worldID: world.id, limit: Self.backfillBatch) }
        }
        let loop = ReplyLoop(model: model, settings: settings, retryPolicy: retryPolicy, breaker: breaker,
                             title: world.premise.title)
        let reply = try await loop.reply(to: prompt, opening: context.isOpening, mode: world.premise.mode, emit: emit)
        let elapsed = ContinuousClock.now - started
        if let counted = reply.promptTokens, reply.trace.calls.filter({ $0.purpose == .write }).count == 1 {
            calibration.learn(estimated: prompt.estimatedTokens, actual: counted)
        }
        let telemetry = StepTelemetry(
            model: model.modelName,
            promptTokens: reply.promptTokens ?? prompt.estimatedTokens,
            completionTokens: reply.completionTokens ?? TextMeasure.tokens(reply.trace.reply),
            promptCharacters: prompt.characters,
            latencyMilliseconds: elapsed.milliseconds,
            firstPassageMilliseconds: firstPassage.instant.map { ($0 - started).milliseconds },
            attempts: reply.trace.calls.count)
        var content = reply.content
        content.pins = context.pins
        let draft = StepDraft(worldID: world.id, parentID: parent?.step.id, depth: (parent?.step.depth ?? 0) + 1,
                              instruction: instruction.text(options: parent?.step.content.options ?? []),
                              content: content, telemetry: telemetry, trace: reply.trace)
        let step = try await commit(draft, expectedHead: expectedHead)
        emit(.committed(step))
        // The step's vectors (a request of a dozen sentences) are made once the reader has it.
        if retriever.isDense { indexing.start(worldID: world.id) { await index(step) } }
        return step
    }
}
