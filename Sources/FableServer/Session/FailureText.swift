import FableCore
import FableEngine

/// One clear sentence for a reader when a step fails. The details go to the log.
enum FailureText {
    static func message(_ error: any Error) -> String {
        switch error {
        case StepError.model(let modelError):
            switch modelError {
            case .unreachable:
                return "The storyteller is away (the language model does not answer)."
            case .timedOut:
                return "The storyteller took too long to answer."
            default:
                return "The storyteller could not answer (\(modelError.description))."
            }
        case StepError.storytellerAway(let wait):
            return "The storyteller is away (the language model keeps failing); try again in \(max(1, wait.components.seconds)) seconds."
        case StepError.invalidReply(_, let attempts):
            return "The storyteller gave \(attempts) unusable replies."
        case StepError.store(.headMoved):
            return "The story moved on elsewhere while this step was written."
        case let error as StepError:
            return error.description.capitalizedFirst + "."
        default:
            return "Something went wrong (\(error))."
        }
    }
}
