import FableCore
import FableEngine

/// Shows a running step on the terminal: the passage word-wrapped as it streams,
/// a short notice if the passage is written again or the other fields are mended, then the options.
struct StepPrinter {
    var width = 78

    /// Prints the events; returns the committed step.
    func show(_ events: AsyncThrowingStream<StepEvent, any Error>) async throws -> Step? {
        var wrapper = WordWrapper(width: width)
        Console.out("\n")
        for try await event in events {
            switch event {
            case .passage(let text):
                Console.out(wrapper.feed(TerminalText.sanitize(text)))
            case .restarted:
                Console.out(wrapper.finish() + "\n\n\(ReaderNotice.rewriting)\n\n")
                wrapper = WordWrapper(width: width)
            case .repairing(let fields):
                Console.out(wrapper.finish() + "\n\n\(ReaderNotice.repairing(fields))\n")
                wrapper = WordWrapper(width: width)
            case .committed(let step):
                Console.out(wrapper.finish() + "\n")
                showOptions(step)
                return step
            }
        }
        return nil
    }

    func showPassage(_ step: Step) {
        var wrapper = WordWrapper(width: width)
        Console.out("\n" + wrapper.feed(TerminalText.sanitize(step.content.passage)) + wrapper.finish() + "\n")
        showOptions(step)
    }

    func showOptions(_ step: Step) {
        var text = "\n"
        for (index, option) in step.content.options.enumerated() {
            var wrapper = WordWrapper(width: width - 5)
            let wrapped = wrapper.feed(TerminalText.sanitize(option)) + wrapper.finish()
            text += "  \(index + 1). " + wrapped.replacingOccurrences(of: "\n", with: "\n     ") + "\n"
        }
        Console.out(text)
    }
}
