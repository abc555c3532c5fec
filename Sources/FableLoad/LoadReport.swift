import FableCore
import Foundation

/// A load run's report, as Markdown lines: connections, latencies, the time the server adds
/// to the stub's, errors, and the server's and the client's memory and CPU.
public struct LoadReport: Sendable {
    public let plan: LoadPlan
    public let outcome: LoadOutcome

    public init(plan: LoadPlan, outcome: LoadOutcome) {
        self.plan = plan
        self.outcome = outcome
    }

    public var lines: [String] {
        let f = outcome.figures
        var lines = ["", "## fable load: \(plan.connections) connections, \(plan.active) active"
                     + (plan.webSocket ? ", over WebSocket" : ""), ""]
        lines.append("- connections: \(f.connected) opened, \(f.loggedIn) logged in, \(f.open) held at the end; "
                     + "\(f.connectFailures) failed to connect, \(f.loginFailures) logins refused, "
                     + "\(f.closedByServer) closed by the server")
        lines.append(String(format: "- login: %.1f s for %d readers (%.0f a second)", outcome.loginSeconds, f.loggedIn,
                            Double(f.loggedIn) / max(0.001, outcome.loginSeconds)))
        if plan.active > 0 { lines += steps }
        lines.append("- errors: \(f.errorCount)" + (f.errors.isEmpty ? "" : " — " + f.errors.sorted { $0.value > $1.value }
            .map { "\($0.key): \($0.value)" }.joined(separator: "; ")))
        lines += server
        if let start = outcome.client.start, let end = outcome.client.end {
            lines.append(String(format: "- this load client (and its stub): %.2f s CPU, RSS %@", end.cpuSeconds - start.cpuSeconds,
                                end.megabytes))
        }
        return lines
    }

    private var steps: [String] {
        let f = outcome.figures
        var lines = [String(format: "- steps: %d openings + %d turns in %.1f s (%.1f steps a second); %d restarts; %d still in flight at the end",
                            f.openings, f.turns, outcome.playSeconds, Double(f.steps) / max(0.001, outcome.playSeconds),
                            f.restarts, f.inFlight)]
        if plan.ramp > 0 {
            lines.append(String(format: "- ramp: active readers started over %.1f s; the latencies below are of the %d steps sent after it (%d before)",
                                plan.ramp, f.steps - f.beforeRamp, f.beforeRamp))
        }
        lines.append("- first passage byte after the instruction: \(f.firstByte.summary())")
        lines.append("- turn latency (instruction → options and prompt): \(f.turn.summary())")
        lines.append("- opening latency (`new \(plan.story)` → options and prompt): \(f.opening.summary())")
        if let s = outcome.stub {
            lines.append("- stub: \(s.requests) requests, \(s.completed) streamed whole, \(s.cut) cut by the client, "
                         + "\(s.tokens) tokens, at most \(s.mostStreaming) at once")
            lines.append("- server-added time, stub's token with the passage's first character → reader's first passage byte: "
                         + f.serverAdded.summary([0.5, 0.95, 0.99, 1.0]))
            lines.append("- the same from the token that completes the passage's first word (what word wrapping can show): "
                         + f.serverAddedWord.summary([0.5, 0.95, 0.99, 1.0])
                         + (f.unmatched > 0 ? "; \(f.unmatched) passages not matched to a stub reply" : ""))
            lines.append("- the same from the token that lets the passage gate show the passage (its first "
                         + "\(PassageGate.heldCharacters) characters are held back until they read as a story): "
                         + f.serverAddedReleased.summary([0.5, 0.95, 0.99, 1.0]))
            lines.append("- instruction sent → the step's request whole at the stub (server work before the model): "
                         + f.toModel.summary())
        }
        return lines
    }

    /// The server's memory and CPU, when its pid was given.
    private var server: [String] {
        let f = outcome.figures
        let s = outcome.server
        guard let baseline = s.baseline, let afterLogin = s.afterLogin, let settled = s.settled, let end = s.end else {
            return []
        }
        var lines = ["- server RSS: \(baseline.megabytes) before, \(afterLogin.megabytes) with every reader in, "
            + "\(settled.megabytes) after \(Self.number(plan.settle)) s idle, "
            + (s.afterPlay.map { "\($0.megabytes) after playing, " } ?? "")
            + "\(end.megabytes) at the end; highest seen \(String(format: "%.1f MiB", Double(s.peakKiB) / 1024)), "
            + "VmHWM \(String(format: "%.1f MiB", Double(end.peakKiB) / 1024)); threads \(end.threads)"]
        if f.loggedIn > 0 {
            lines.append(String(format: "- server RSS per reader (all in minus before, / readers): %.1f KiB",
                                Double(settled.rssKiB - baseline.rssKiB) / Double(f.loggedIn)))
        }
        for (a, b) in zip(s.checkpoints, s.checkpoints.dropFirst()) {
            lines.append(String(format: "- RSS at %d readers %.1f MiB → at %d readers %.1f MiB: %.1f KiB per added reader",
                                a.readers, Double(a.sample.rssKiB) / 1024, b.readers, Double(b.sample.rssKiB) / 1024,
                                Double(b.sample.rssKiB - a.sample.rssKiB) / Double(max(1, b.readers - a.readers))))
        }
        let loginCPU = afterLogin.cpuSeconds - baseline.cpuSeconds
        let idleSeconds = (settled.at - afterLogin.at).seconds
        lines.append(String(format: "- server CPU: %.2f s for the logins (%.2f ms a reader); idle with every reader in: %.1f%% of a core",
                            loginCPU, loginCPU * 1000 / Double(max(1, f.loggedIn)),
                            100 * (settled.cpuSeconds - afterLogin.cpuSeconds) / max(0.001, idleSeconds)))
        if let afterPlay = s.afterPlay, plan.active > 0 {
            let cpu = afterPlay.cpuSeconds - settled.cpuSeconds
            lines.append(String(format: "- server CPU while playing: %.2f s over %.1f s (%.0f%% of a core); %.1f ms per completed step",
                                cpu, outcome.playSeconds, 100 * cpu / max(0.001, outcome.playSeconds),
                                cpu * 1000 / Double(max(1, f.steps))))
        }
        return lines
    }

    /// 30 → "30", 2.5 → "2.5".
    public static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
