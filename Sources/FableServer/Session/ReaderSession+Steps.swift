import FableCore
import FableEngine

/// Writing steps: one at a time per reader, streamed to the screen, then the options.
extension ReaderSession {
    func begin(_ worldID: Int64) async {
        let worlds = worlds
        let preferences = preferences
        startGeneration { events in try await worlds.begin(worldID: worldID, preferences: preferences, events: events) }
    }

    func advance(_ instruction: Instruction) async {
        guard let worldID else { return }
        let worlds = worlds
        let preferences = preferences
        startGeneration { events in
            try await worlds.advance(worldID: worldID, instruction: instruction, preferences: preferences, events: events)
        }
    }

    func retry() async {
        guard let worldID else { return }
        let worlds = worlds
        let preferences = preferences
        startGeneration { events in try await worlds.retry(worldID: worldID, preferences: preferences, events: events) }
    }

    private var preferences: ReaderPreferences { account?.settings.preferences ?? .none }

    private func startGeneration(_ step: @escaping GenerationRun.StepWriter) {
        let run = GenerationRun(screen: screen, queue: context.queue,
                                statistics: context.statistics, noticeDelay: context.configuration.writingNoticeDelay,
                                logger: context.logger, report: { [self] in post($0) })
        // Detached from the actor: the step runs beside the session, which keeps reading lines.
        generation = Task.detached { await run.run(step) }
    }

    func finishGeneration(_ outcome: GenerationOutcome) async {
        generation = nil
        await screen.endPassage()
        switch outcome {
        case .committed(let step):
            await showOptions(step)
            if autoRemaining > 0 {
                autoRemaining -= 1
                await advance(.auto)
                return
            }
        case .failed(let message):
            autoRemaining = 0
            await screen.say("[\(message) The story is as it was; try again, or `retry`.]")
        case .cancelled:
            autoRemaining = 0
            await screen.say("[Stopped. The story is as it was.]")
        }
        await screen.prompt(promptText)
        // Lines typed meanwhile run in order, shown after the prompt as if typed now,
        // until one of them starts another step.
        while generation == nil, !closing, !pending.isEmpty {
            let line = pending.removeFirst()
            await screen.raw("\(line)\n")
            await handleLine(line)
        }
    }

    /// A stored step: its passage, then its options.
    func show(_ step: Step) async {
        await screen.passage(step.content.passage)
        await screen.endPassage()
        await showOptions(step)
    }

    func showOptions(_ step: Step) async {
        await screen.raw("\n" + OptionList.text(step.content.options, width: await screen.wrapWidth))
        await gmcpStep(step)
    }
}
