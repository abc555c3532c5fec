import FableCore
import Synchronization

/// A reply as the model streams it: the whole text kept for validation and, when there is
/// somewhere to send it, each piece of the passage handed on as soon as the decoder can tell
/// it apart from the JSON around it. Fed on the model transport's thread; read on the step's
/// task once the reply has ended.
final class StreamedReply: Sendable {
    private let emit: Storyteller.StepEvents?
    private let state = Mutex<(text: String, decoder: PassageStreamDecoder)>(("", PassageStreamDecoder()))

    init(emit: Storyteller.StepEvents?) {
        self.emit = emit
    }

    func add(_ piece: String) {
        guard let emit else {
            state.withLock { $0.text += piece }
            return
        }
        let passage = state.withLock { state in
            state.text += piece
            return state.decoder.feed(piece)
        }
        if !passage.isEmpty { emit(.passage(passage)) }
    }

    var text: String { state.withLock { $0.text } }
}
