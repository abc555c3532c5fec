import FableCore
import Testing

@testable import FableLoad

/// The report's lines: counts as counted, rates and per-reader figures as divided.
@Suite struct LoadReportTests {
    private func outcome() -> LoadOutcome {
        var outcome = LoadOutcome()
        outcome.figures.connected = 4
        outcome.figures.loggedIn = 4
        outcome.figures.open = 4
        outcome.figures.openings = 2
        outcome.figures.turns = 6
        outcome.figures.turn = Samples([10, 20, 30, 40])
        outcome.loginSeconds = 2
        outcome.playSeconds = 4
        return outcome
    }

    private func plan(active: Int = 2) -> LoadPlan {
        var plan = LoadPlan()
        plan.connections = 4
        plan.active = active
        plan.story = "marsh"
        plan.settle = 5
        return plan
    }

    @Test func countsRatesAndLatenciesAreReported() {
        let lines = LoadReport(plan: plan(), outcome: outcome()).lines
        #expect(lines.contains("## fable load: 4 connections, 2 active"))
        #expect(lines.contains("- connections: 4 opened, 4 logged in, 4 held at the end; 0 failed to connect, 0 logins refused, 0 closed by the server"))
        #expect(lines.contains("- login: 2.0 s for 4 readers (2 a second)"))
        #expect(lines.contains("- steps: 2 openings + 6 turns in 4.0 s (2.0 steps a second); 0 restarts; 0 still in flight at the end"))
        #expect(lines.contains("- turn latency (instruction → options and prompt): p50 20.0 / p95 40.0 / p99 40.0 ms (n = 4)"))
        #expect(lines.contains("- opening latency (`new marsh` → options and prompt): no samples"))
        #expect(lines.contains("- errors: 0"))
        // Without a stub there is no server-added time; without a pid no server figures.
        #expect(!lines.contains { $0.hasPrefix("- stub:") || $0.hasPrefix("- server") })
    }

    @Test func anIdleRunReportsNoSteps() {
        let lines = LoadReport(plan: plan(active: 0), outcome: outcome()).lines
        #expect(!lines.contains { $0.hasPrefix("- steps:") })
    }

    @Test func theServersMemoryIsReportedPerReader() {
        var outcome = outcome()
        let start = ContinuousClock.now
        func sample(_ kib: Int, cpu: Double, after seconds: Int) -> ProcessSample {
            ProcessSample(rssKiB: kib, peakKiB: kib, cpuSeconds: cpu, threads: 3, at: start + .seconds(seconds))
        }
        outcome.server.baseline = sample(10_240, cpu: 1, after: 0)
        outcome.server.afterLogin = sample(10_640, cpu: 1.5, after: 2)
        outcome.server.settled = sample(10_640, cpu: 1.55, after: 7)
        outcome.server.afterPlay = sample(11_264, cpu: 3.55, after: 11)
        outcome.server.end = sample(11_264, cpu: 3.55, after: 11)
        outcome.server.peakKiB = 11_264
        let lines = LoadReport(plan: plan(), outcome: outcome).lines
        // (10,640 − 10,240) KiB over 4 readers.
        #expect(lines.contains("- server RSS per reader (all in minus before, / readers): 100.0 KiB"))
        // 0.05 s of CPU over 5 s idle; 2 s while playing 4 s, over 8 steps.
        #expect(lines.contains("- server CPU: 0.50 s for the logins (125.00 ms a reader); idle with every reader in: 1.0% of a core"))
        #expect(lines.contains("- server CPU while playing: 2.00 s over 4.0 s (50% of a core); 250.0 ms per completed step"))
    }

    @Test func aRunIsCleanWithoutErrorsFailedConnectionsOrUnfinishedSteps() {
        var outcome = outcome()
        #expect(outcome.isClean)
        outcome.figures.inFlight = 1
        #expect(!outcome.isClean)
        outcome.figures.inFlight = 0
        outcome.figures.errors["login refused"] = 1
        #expect(!outcome.isClean)
    }
}
