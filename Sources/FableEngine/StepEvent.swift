import FableCore

/// What a running step reports, in order: passage fragments as they stream, possibly a
/// rejection (then the fragments start over) or a repair of the other fields, then the
/// committed step.
public enum StepEvent: Sendable, Equatable {
    /// The next piece of the passage.
    case passage(String)
    /// The passage could not be used; it is being written again. Text shown so far is void.
    /// `reason` is for logs and traces, not for readers.
    case restarted(attempt: Int, reason: String)
    /// The passage is kept; these other fields are being asked for again.
    case repairing(fields: [ReplyField])
    /// The step is in the store and the world's head points at it.
    case committed(Step)
}

/// Why a step failed. The store is exactly as it was before the step began.
public enum StepError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every reply failed validation.
    case invalidReply(ReplyProblem, attempts: Int)
    case model(ModelError)
    case store(StoreError)
    /// The world has no step yet (or already has one, for the opening).
    case wrongState(String)
    /// The model endpoint failed several times in a row; it is left alone for a while.
    case storytellerAway(retryIn: Duration)

    public var description: String {
        switch self {
        case .invalidReply(let problem, let attempts):
            return "the storyteller gave \(attempts) unusable replies (last: \(problem.description)); the story is unchanged"
        case .model(let error): return error.description
        case .store(let error): return error.description
        case .wrongState(let why): return why
        case .storytellerAway(let wait):
            return "the storyteller is away (the language model failed several times in a row); "
                + "it will be tried again in \(max(1, wait.components.seconds)) s"
        }
    }
}
