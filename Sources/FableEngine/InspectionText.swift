import FableCore

extension Inspection {
    /// The report for people: sections in the order an admin asks "what does it know, and why".
    /// Text from the model or a reader is sanitized for the terminal.
    public func text(width: Int = 78) -> String {
        func wrap(_ text: String, indent: String = "  ") -> String {
            var wrapper = WordWrapper(width: width - indent.count)
            let wrapped = wrapper.feed(TerminalText.sanitize(text)) + wrapper.finish()
            return wrapped.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : indent + $0 }.joined(separator: "\n")
        }
        var out: [String] = []
        let who = reader.map { "\($0.name)\($0.isAdmin ? " (admin)" : "")" } ?? "no reader"
        out.append("World \(world.id): \(TerminalText.sanitize(world.title)) [\(world.storyID), \(world.mode), \(world.language)] — \(who)")
        // The premise is Markdown with the story file's line breaks: wrapped by paragraph.
        out.append("Premise:\n" + wrap(Paragraphs.unwrapped(world.premise)))
        if !world.answers.isEmpty {
            out.append("Answers: " + world.answers.sorted { $0.key < $1.key }
                .map { "\($0.key)=\(TerminalText.sanitize($0.value))" }.joined(separator: ", "))
        }
        if let outline { out.append("Outline:\n" + wrap(outline)) }
        guard let step else {
            out.append("The story has not begun.")
            return out.joined(separator: "\n\n") + "\n"
        }
        let here = step.id == world.headStepID ? "head" : "not the head"
        out.append("Step \(step.depth) (id \(step.id), \(step.kind), \(here))"
                   + (step.instruction.isEmpty ? "" : "; instruction: \(TerminalText.sanitize(step.instruction))")
                   + "\n" + wrap(step.passage))
        out.append("Short-term memory:\n" + wrap(memory.isEmpty ? "(empty)" : memory))
        out.append("Last memory change:\n" + wrap(lastMemoryChange.isEmpty ? "(none)" : lastMemoryChange))
        let fixed = world.canon.map { "canon: \($0)" } + pins.enumerated().map { "pin \($0.offset + 1): \($0.element)" }
        out.append("Canon and pins:\n" + (fixed.isEmpty ? "  (none)" : fixed.map { wrap($0) }.joined(separator: "\n")))
        out.append("Options:\n" + step.options.enumerated().map { wrap("\($0.offset + 1). \($0.element)") }.joined(separator: "\n"))
        let ranking = nextRetrievalFused ? "BM25 fused with vectors" : "BM25, lower is better"
        out.append("Next step would retrieve (\(ranking)):\n" + (nextRetrieval.isEmpty ? "  (nothing)" :
            nextRetrieval.map { found in
                let pieces = (found.pieces ?? []).map { piece in
                    wrap("\(piece.ranking) #\(piece.rank), query \(piece.query + 1): \(piece.text)", indent: "      ")
                }
                let brief = found.brief == true ? ", in brief: one option's own" : ""
                return ([wrap("step \(found.depth) (id \(found.stepID), score \(String(format: "%.3f", found.score))\(brief)): \(found.indexLine)")]
                        + pieces).joined(separator: "\n")
            }.joined(separator: "\n")))
        if let retrievalMode { out.append("Long-term search: " + retrievalMode) }
        if let call = lastCall {
            var line = "Last model call (step id \(call.stepID)): \(call.model)"
            if let temperature = call.temperature { line += ", temperature \(temperature)" }
            if let maxTokens = call.maxTokens { line += ", max tokens \(maxTokens)" }
            line += "\n  prompt \(call.promptTokens) tokens (\(call.promptCharacters) characters), reply \(call.completionTokens) tokens, "
                + "\(call.latencyMilliseconds) ms" + (call.firstPassageMilliseconds.map { " (first passage text at \($0) ms)" } ?? "")
                + ", \(call.attempts) attempt\(call.attempts == 1 ? "" : "s")"
            if let calls = call.calls, calls.count > 1 || calls.contains(where: { $0.problem != nil }) {
                for (number, made) in calls.enumerated() {
                    line += "\n" + wrap("call \(number + 1), \(made.purpose.rawValue)"
                        + (made.fields.map { " of " + $0.map(\.rawValue).joined(separator: ", ") } ?? "")
                        + ", \(made.milliseconds) ms: " + (made.problem.map { "not used whole (\($0))" } ?? "used"))
                }
            }
            if let messages = call.messages {
                for message in messages {
                    line += "\n  --- \(message.role.rawValue) ---\n" + wrap(message.content, indent: "  ")
                }
            }
            if let reply = call.reply { line += "\n  --- reply ---\n" + wrap(reply, indent: "  ") }
            out.append(line)
        }
        return out.joined(separator: "\n\n") + "\n"
    }
}
