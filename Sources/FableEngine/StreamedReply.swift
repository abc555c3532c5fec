import FableCore
import Synchronization

/// A reply as the model streams it: the whole text kept for validation and, when there is
/// somewhere to send it, the passage handed on as soon as the decoder can tell it apart from
/// the JSON around it and the gate lets it through. When the gate finds the passage unusable,
/// `stop` is called once, to cut the model's call short. Fed on the model transport's thread;
/// read on the step's task once the reply has ended.
public final class StreamedReply: Sendable {
    private let emit: Storyteller.StepEvents?
    private let stop: @Sendable () -> Void
    private struct State {
        var text = ""
        var decoder = PassageStreamDecoder()
        var gate: PassageGate
    }
    private let state: Mutex<State>

    public init(emit: Storyteller.StepEvents?, gate: PassageGate = PassageGate(), stop: @escaping @Sendable () -> Void = {}) {
        self.emit = emit
        self.stop = stop
        state = Mutex(State(gate: gate))
    }

    public func add(_ piece: String) {
        guard let emit else {
            state.withLock { $0.text += piece }
            return
        }
        let (passage, stopped) = state.withLock { state -> (String, Bool) in
            state.text += piece
            let decoded = state.decoder.feed(piece)
            let wasOpen = state.gate.problem == nil
            let shown = decoded.isEmpty && !state.decoder.passageFinished ? "" : state.gate.feed(decoded, finished: state.decoder.passageFinished)
            return (shown, wasOpen && state.gate.problem != nil)
        }
        if !passage.isEmpty { emit(.passage(passage)) }
        if stopped { stop() }
    }

    public var text: String { state.withLock { $0.text } }

    /// The passage as far as the reader has been shown it.
    public var shownPassage: String { state.withLock { $0.gate.shown } }

    /// Why the gate stopped the passage, if it did.
    public var problem: String? { state.withLock { $0.gate.problem } }
}
