import FableCore
import Synchronization

/// Gets a usable reply for a step's prompt (SPEC §1 step 4). A reply whose passage is good
/// keeps it, since the reader has already read it, and only the fields that failed are asked
/// for again: a short follow-up with the passage after the step's own prompt, which a server's
/// prompt cache still holds. Only a passage that cannot be used is written again whole. A transient failure of
/// the transport is tried again after a pause; the circuit breaker refuses calls while the
/// endpoint is down.
struct ReplyLoop: Sendable {
    let model: any ChatModel
    let settings: StorySettings
    let retryPolicy: RetryPolicy
    let breaker: CircuitBreaker
    /// The story's title, whose heading before a passage is dropped.
    var title = ""

    /// Passages stopped by the gate before the reader saw any of them, written again before
    /// the step fails. Such a stop costs a second or so of a small model's time and nothing on
    /// screen; a failed step costs the reader a retry.
    static let unseenRewrites = 10

    /// Follow-ups asking again for the fields of a kept passage before it is written again
    /// after all. A repair is a short answer after a prompt the server's cache holds, and the
    /// reader sees one notice for all of them; a rewrite throws away a passage they read.
    static let repairAttempts = 4

    /// The least of a stopped passage, in characters of whole sentences the reader has read,
    /// that is kept as the passage instead of writing it again (about half the schema's least).
    static func keptMinimum(_ mode: StoryMode) -> Int { mode == .novel ? 300 : 150 }

    struct Reply {
        var content: StepContent
        /// Every call's completion tokens, added up.
        var completionTokens: Int?
        /// The accepted write's prompt tokens, as the server counted them.
        var promptTokens: Int?
        var trace: StepTrace
    }

    func reply(to prompt: Prompt, opening: Bool, mode: StoryMode,
               emit: @escaping Storyteller.StepEvents) async throws -> Reply {
        let validator = ReplyValidator(settings: settings)
        let builder = PromptBuilder(settings: settings)
        let schema = ReplySchema.json(opening: opening, mode: mode, settings: settings)
        var messages = prompt.messages
        var calls: [ModelCall] = []
        var rewrites = 0
        var unseen = 0
        while true {
            let written = try await ask(ChatRequest(messages: messages, schemaName: ReplySchema.name, schema: schema),
                                        purpose: .write, calls: &calls, emit: emit)
            var (reply, problems) = validator.check(written.text, opening: opening, title: title)
            var kept: String?
            if let cut = written.cutShort {
                problems = ReplyProblems()
                problems.add(.passage, cut)
            }
            // The sentences the reader has read of an unusable passage (stopped by the gate, cut
            // at the token limit) stay when they can stand as the passage.
            if problems.fields.contains(.passage), written.firstPassageMilliseconds != nil,
               let sentences = PassageSalvage.wholeSentences(of: written.shownPassage, minimum: Self.keptMinimum(mode)) {
                var salvaged = reply
                salvaged.passage = sentences
                let rest = validator.problems(in: salvaged, opening: opening)
                if !rest.fields.contains(.passage) {
                    let why = written.cutShort ?? (written.reason == "length" ? "the reply was cut off at the token limit"
                        : problems.items.filter { $0.field == .passage }.map(\.text).joined(separator: "; "))
                    (reply, problems, kept) = (salvaged, rest, "\(why); the \(sentences.count) characters read were kept")
                }
            }
            if problems.fields.contains(.passage) {
                let problem: ReplyProblem = if written.cutShort != nil {
                    .invalid(problems.items.map(\.text))
                } else if written.reason == "length" && !reply.has(.passage) {
                    .notJSON("the reply was cut off at the token limit; write a shorter passage")
                } else if reply == PartialReply() {
                    .notJSON("the reply holds no JSON object")
                } else {
                    .invalid(problems.items.map(\.text))
                }
                calls.append(written.call(problem: problem.description, reply: written.text))
                // A passage the gate stopped before the reader saw it cost a few tokens and
                // nothing on screen: such tries have a budget of their own.
                if written.cutShort != nil && written.firstPassageMilliseconds == nil {
                    unseen += 1
                } else {
                    rewrites += 1
                }
                guard rewrites <= settings.maxReplyRetries, unseen <= Self.unseenRewrites else {
                    throw StepError.invalidReply(problem, attempts: calls.count)
                }
                // A passage the gate stopped before the reader saw any of it is written again unseen.
                if written.firstPassageMilliseconds != nil {
                    emit(.restarted(attempt: calls.count + 1, reason: problem.description))
                }
                messages = prompt.messages + [builder.correction(for: problem)]
                continue
            }
            calls.append(written.call(problem: kept ?? (problems.isEmpty ? nil : problems.description),
                                      reply: kept == nil ? nil : written.text))
            if !problems.isEmpty { emit(.repairing(fields: problems.fields)) }
            var pool = OptionPool()
            pool.add(validator.usableOptions(in: reply))
            var repairs = 0
            while !problems.isEmpty && repairs < Self.repairAttempts {
                repairs += 1
                let fields = problems.fields
                let request = ChatRequest(
                    messages: messages + [builder.repair(problems, passage: reply.passage ?? "")],
                    schemaName: ReplySchema.repairName, schema: ReplySchema.json(fields: fields, mode: mode, settings: settings))
                let repaired = try await ask(request, purpose: .repair, calls: &calls, emit: nil)
                reply = reply.replacing(fields, from: PartialReply.read(repaired.text))
                pool.add(validator.usableOptions(in: reply))
                problems = validator.problems(in: reply, opening: opening)
                if problems.fields.contains(.options), let three = pool.three {
                    reply.options = three
                    problems = validator.problems(in: reply, opening: opening)
                }
                calls.append(repaired.call(fields: fields, problem: problems.isEmpty ? nil : problems.description,
                                           reply: repaired.text))
            }
            if problems.isEmpty, let content = validator.content(of: reply, opening: opening) {
                let trace = StepTrace(messages: messages, reply: written.text, temperature: model.temperature,
                                      maxTokens: model.maxTokens, calls: calls)
                let tokens = calls.compactMap(\.completionTokens)
                return Reply(content: content, completionTokens: tokens.count == calls.count ? tokens.reduce(0, +) : nil,
                             promptTokens: written.usage?.promptTokens, trace: trace)
            }
            // The repairs did not take: the passage is written again after all.
            rewrites += 1
            guard rewrites <= settings.maxReplyRetries else {
                throw StepError.invalidReply(.invalid(problems.items.map(\.text)), attempts: calls.count)
            }
            emit(.restarted(attempt: calls.count + 1, reason: problems.description))
            messages = prompt.messages + [builder.correction(for: .invalid(problems.items.map(\.text)))]
        }
    }

    /// One answer of the model, with what it cost.
    struct Answer {
        var purpose: ModelCall.Purpose
        var text: String
        var reason: String?
        var usage: ChatUsage?
        var milliseconds: Int
        var firstPassageMilliseconds: Int?
        /// Why the passage's gate cut the call short, if it did: the passage is unusable.
        var cutShort: String?
        /// The passage as far as the reader was shown it.
        var shownPassage = ""

        func call(fields: [ReplyField]? = nil, problem: String?, reply: String?) -> ModelCall {
            ModelCall(purpose: purpose, fields: fields, problem: problem, reply: reply, usage: usage,
                      milliseconds: milliseconds, firstPassageMilliseconds: firstPassageMilliseconds)
        }
    }

    /// Calls the model, trying again after a transient failure (recorded in `calls`). With
    /// `emit`, the passage streams to it, and a failure after it began says it starts over.
    private func ask(_ request: ChatRequest, purpose: ModelCall.Purpose, calls: inout [ModelCall],
                     emit: Storyteller.StepEvents?) async throws -> Answer {
        var failures = 0
        while true {
            let started = ContinuousClock.now
            let firstPassage = FirstMoment()
            do {
                if let wait = breaker.refusal() { throw StepError.storytellerAway(retryIn: wait) }
                var passage: Storyteller.StepEvents?
                if let emit {
                    passage = { event in
                        firstPassage.mark()
                        emit(event)
                    }
                }
                // The call runs as a task of its own, so the passage's gate can cut it short.
                let cut = CallCutter()
                let reply = StreamedReply(emit: passage, gate: PassageGate(title: title), stop: { cut.cut() })
                let model = model
                let call = Task { try await model.reply(to: request) { reply.add($0) } }
                cut.arm(call)
                var ending = ChatEnding(reason: nil, usage: nil)
                do {
                    ending = try await withTaskCancellationHandler { try await call.value } onCancel: { call.cancel() }
                    breaker.succeeded()
                } catch let error as ModelError {
                    // A call the gate cut is no failure of the endpoint: its reply is answered below.
                    guard reply.problem != nil, !Task.isCancelled else {
                        breaker.failed(error)
                        throw error
                    }
                    breaker.succeeded()
                } catch where reply.problem != nil && !Task.isCancelled {
                    breaker.succeeded()
                }
                return Answer(purpose: purpose, text: reply.text, reason: ending.reason, usage: ending.usage,
                              milliseconds: (ContinuousClock.now - started).milliseconds,
                              firstPassageMilliseconds: firstPassage.instant.map { ($0 - started).milliseconds },
                              cutShort: reply.problem, shownPassage: reply.shownPassage)
            } catch let error as ModelError where error.isTransient {
                failures += 1
                calls.append(ModelCall(purpose: purpose, problem: error.description,
                                       milliseconds: (ContinuousClock.now - started).milliseconds,
                                       firstPassageMilliseconds: firstPassage.instant.map { ($0 - started).milliseconds }))
                guard failures <= retryPolicy.transientRetries else { throw error }
                if firstPassage.instant != nil { emit?(.restarted(attempt: calls.count + 1, reason: error.description)) }
                try await Task.sleep(for: retryPolicy.delay(afterFailure: failures, error: error))
            }
        }
    }
}

/// Cuts one model call short, from whichever thread asks first; a cut asked for before the
/// call is armed takes effect when it is.
final class CallCutter: Sendable {
    private let state = Mutex<(call: Task<ChatEnding, any Error>?, cut: Bool)>((nil, false))

    func arm(_ call: Task<ChatEnding, any Error>) {
        let cutAlready = state.withLock { state in
            state.call = call
            return state.cut
        }
        if cutAlready { call.cancel() }
    }

    func cut() {
        let call = state.withLock { state in
            state.cut = true
            return state.call
        }
        call?.cancel()
    }
}
