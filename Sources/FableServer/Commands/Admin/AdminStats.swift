import FableCommands
import FableCore

/// `@stats`: what an admin needs to see at a glance on a busy server (`@who` lists every
/// reader), and what the server adds to the model, measured as it serves.
struct AdminStats: SessionCommand {
    static let words = ["@stats"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@stats", summary: "readers, steps being written, what the latest steps took",
                                  topic: "@stats: readers, steps being written, and what the latest steps took.")

    static func parse(_ arguments: String) -> ArgumentFit {
        arguments.isEmpty ? .command(AdminStats()) : AdminUnknown.misfit("stats", arguments)
    }

    func run(in session: isolated ReaderSession) async {
        await session.screen.raw(await Self.report(session.context))
    }

    static func report(_ context: GameContext) async -> String {
        let readers = await context.registry.connectionCount
        let writing = await context.queue.inFlight
        let waiting = await context.queue.queued
        let figures = context.statistics.snapshot
        let up = Int((ContinuousClock.now - figures.since).components.seconds)
        var text = "Up \(Durations.words(up)): \(readers) connection\(readers == 1 ? "" : "s"); "
            + "\(writing) step\(writing == 1 ? "" : "s") being written, \(waiting) waiting for a slot "
            + "(at most \(context.queue.capacity) at once).\n"
        text += "Steps since the start: \(figures.committed) kept, \(figures.failed) failed, \(figures.cancelled) cancelled; "
            + "\(figures.rewritten) passage\(figures.rewritten == 1 ? "" : "s") written again, "
            + "\(figures.repaired) repl\(figures.repaired == 1 ? "y" : "ies") repaired.\n"
        text += "The latest steps (up to \(StepStatistics.window) of each), in ms:\n"
        text += Self.row("", ["p50", "p95", "p99", "max", "n"])
        let rows: [(StepStatistics.Series, String)] = [
            (.slotWait, "waiting for a slot"),
            (.firstPassage, "slot → passage shown"),
            (.handOff, "model → reader (hand-off)"),
            (.wholeStep, "slot → step kept"),
        ]
        for (series, label) in rows {
            let samples = figures.recent[series] ?? Samples()
            guard !samples.isEmpty else {
                text += Self.row(label, ["–", "–", "–", "–", "0"])
                continue
            }
            let cells = samples.percentiles([0.5, 0.95, 0.99, 1]).map(Samples.format) + ["\(samples.count)"]
            text += Self.row(label, cells)
        }
        text += "(hand-off: the passage's first bytes, from the model's stream to the reader's socket)\n"
        text += "Long-term search: \(context.worlds.denseStatus).\n"
        return text
    }

    private static func row(_ label: String, _ cells: [String]) -> String {
        "  " + label.padding(toLength: 26, withPad: " ", startingAt: 0)
            + cells.map { String(repeating: " ", count: max(0, 8 - $0.count)) + $0 }.joined() + "\n"
    }
}
