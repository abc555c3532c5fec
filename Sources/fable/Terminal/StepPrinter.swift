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

    /// Fable's words and the story's, made safe and wrapped to the terminal's width.
    func wrap(_ text: String) -> String {
        var wrapper = WordWrapper(width: width)
        return wrapper.feed(TerminalText.sanitize(text)) + wrapper.finish()
    }

    func showOptions(_ step: Step) {
        Console.out("\n" + OptionList.text(step.content.options, width: width))
    }
}
