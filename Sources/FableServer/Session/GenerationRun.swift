import FableCore
import FableEngine
import Logging

/// Runs one step for a reader: waits for a slot in the server-wide queue, streams the
/// passage to the screen as the model writes it, and reports how it ended.
/// Cancelling the task cancels the model call; the store only ever sees a whole step.
struct GenerationRun: Sendable {
    let screen: Screen
    let queue: GenerationQueue
    let statistics: StepStatistics
    let noticeDelay: Duration
    /// Where a rejected reply's reasons go: readers see a short neutral notice only.
    let logger: Logger
    let report: @Sendable (SessionInput) -> Void

    /// One of the storyteller's steps, told where its events go; returns the committed step.
    typealias StepWriter = @Sendable (_ events: @escaping Storyteller.StepEvents) async throws -> Step

    /// Reports the outcome (`.generationEnded`) before the slot is released, so that whatever
    /// waits for the queue to go idle (shutdown) comes to the session after it.
    func run(_ step: StepWriter) async {
        let asked = ContinuousClock.now
        do {
            try await queue.acquire { place in report(.queuePlace(place)) }
        } catch is GenerationQueue.Closed {
            statistics.count(.failed)
            report(.generationEnded(.failed("The server is shutting down, so nothing new can be written.")))
            return
        } catch {
            statistics.count(.cancelled)
            report(.generationEnded(.cancelled))
            return
        }
        let started = ContinuousClock.now
        statistics.record(.slotWait, started - asked)
        let outcome = await write(step, started: started)
        switch outcome {
        case .committed:
            statistics.record(.wholeStep, .now - started)
            statistics.count(.committed)
        case .failed: statistics.count(.failed)
        case .cancelled: statistics.count(.cancelled)
        }
        report(.generationEnded(outcome))
        await queue.release()
    }

    /// The step runs on this task; its passage goes from the model's transport straight to
    /// the screen's event loop, with no task between.
    private func write(_ step: StepWriter, started: ContinuousClock.Instant) async -> GenerationOutcome {
        let screen = screen
        let statistics = statistics
        let delay = noticeDelay
        let logger = logger
        let notice = Task {
            try await Task.sleep(for: delay)
            await screen.sayIfQuiet("(The storyteller is writing…)")
        }
        defer { notice.cancel() }
        do {
            let committed = try await step { event in
                switch event {
                case .passage(let text):
                    screen.streamed(.passage(text, StreamedOutput.Times(started: started, decoded: .now)))
                case .restarted(let attempt, let reason):
                    statistics.count(.rewritten)
                    logger.info("passage written again", metadata: ["attempt": "\(attempt)", "reason": "\(reason)"])
                    screen.streamed(.restart(notice: ReaderNotice.rewriting))
                case .repairing(let fields):
                    statistics.count(.repaired)
                    logger.info("reply repaired", metadata: ["fields": "\(fields.map(\.rawValue).joined(separator: ","))"])
                    screen.streamed(.notice(ReaderNotice.repairing(fields)))
                case .committed:
                    // The session ends the passage, whichever way the step ended.
                    break
                }
            }
            return .committed(committed)
        } catch StepError.model(.cancelled) {
            return .cancelled
        } catch is CancellationError {
            return .cancelled
        } catch {
            // The session ends the half-shown passage: a cancelled task cannot write.
            return Task.isCancelled ? .cancelled : .failed(FailureText.message(error))
        }
    }
}
