import FableStub
import Foundation
import NIOCore
import NIOPosix
import NIOWebSocket

/// Runs a `LoadPlan` against a running server: connects and logs the readers in at the plan's
/// rate, waits for them all, lets the server settle, has the active ones play, and measures.
/// Each reader is a `LoadConnection` on the client's event loops.
public struct LoadGenerator: Sendable {
    public let plan: LoadPlan
    /// The paced stub the server calls, whose marks the readers' passages are matched to.
    public let stub: LoadStub?

    public init(plan: LoadPlan, stub: LoadStub?) {
        self.plan = plan
        self.stub = stub
    }

    /// Runs the plan. `output` gets the report's lines, `progress` a line every ten seconds.
    public func run(output: (String) -> Void, progress: (String) -> Void) async throws -> LoadOutcome {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: plan.clientThreads)
        do {
            let outcome = try await run(group: group, output: output, progress: progress)
            try? await group.shutdownGracefully()
            return outcome
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private func run(group: MultiThreadedEventLoopGroup, output: (String) -> Void,
                     progress: (String) -> Void) async throws -> LoadOutcome {
        let record = stub?.record
        var marks: LoadRun.StubMarks?
        if let record { marks = { record.marks(of: $0) } }
        let settings = LoadRun.Settings(namePrefix: plan.namePrefix, password: plan.password, story: plan.story,
                                        turnsPerReader: plan.turns, instruction: plan.instruction, logIn: plan.logIn)
        let run = LoadRun(settings: settings, stubMarks: marks)
        output("fable load: \(plan.connections) connections (\(plan.active) active) to \(plan.host):\(plan.port), "
               + "readers \(plan.namePrefix)0…, "
               + (plan.perAddress > 0 ? "\(plan.perAddress) per client address" : "all from one address"))
        output(MachineDescription.current().line)
        let monitor = ServerMonitor(pid: plan.serverPID)
        var outcome = LoadOutcome()
        outcome.server.baseline = monitor.sample()
        if let baseline = outcome.server.baseline, let pid = plan.serverPID {
            output("server pid \(pid): RSS \(baseline.megabytes) before the first connection")
        }
        let clientStart = ProcessSample.own()
        var checkpoints = Checkpoints(every: plan.checkpointEvery)
        func report(_ label: String, since start: ContinuousClock.Instant) {
            progress(Self.progressLine(run.snapshot, label: label, since: start, stub: record?.snapshot,
                                       server: monitor.sample()))
        }

        // Connect and log in, at the plan's rate.
        let started = ContinuousClock.now
        var channels: [any Channel] = []
        channels.reserveCapacity(plan.connections)
        for index in 0..<plan.connections {
            let due = started + .seconds(Double(index) / plan.connectRate)
            if due > .now { try await Task.sleep(until: due, clock: .continuous) }
            do {
                channels.append(try await connect(index: index, run: run, group: group))
            } catch {
                run.update { $0.connectFailures += 1 }
                run.error("connect: \(error)")
            }
            if index % 500 == 499 { report("connecting", since: started) }
            checkpoints.take(readers: run.snapshot.loggedIn, monitor: monitor)
        }
        // Every reader in (or refused), within a deadline that grows with the count.
        let loginDeadline = ContinuousClock.now + .seconds(60 + plan.connections / 20)
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now < loginDeadline {
            checkpoints.take(readers: run.snapshot.loggedIn, monitor: monitor)
            let f = run.snapshot
            if f.loggedIn + f.loginFailures + f.connectFailures + f.closedByServer >= plan.connections { break }
            if ContinuousClock.now - lastProgress > .seconds(10) {
                report("logging in", since: started)
                lastProgress = .now
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        checkpoints.take(readers: run.snapshot.loggedIn, monitor: monitor)
        outcome.loginSeconds = (ContinuousClock.now - started).seconds
        outcome.server.afterLogin = monitor.sample()
        output(String(format: "connected and logged in: %d of %d in %.1f s", run.snapshot.loggedIn, plan.connections,
                      outcome.loginSeconds))
        try await Task.sleep(for: .seconds(plan.settle))
        outcome.server.settled = monitor.sample()

        // Play.
        if plan.active > 0 {
            let playStart = ContinuousClock.now
            startPlaying(channels.prefix(plan.active), run: run)
            let deadline = playStart + .seconds(plan.duration)
            lastProgress = .now
            while ContinuousClock.now < deadline, run.snapshot.activeDone < plan.active {
                monitor.poll()
                if ContinuousClock.now - lastProgress > .seconds(10) {
                    report("playing", since: playStart)
                    lastProgress = .now
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            run.stop()
            let graceEnd = ContinuousClock.now + .seconds(plan.grace)
            while ContinuousClock.now < graceEnd, run.snapshot.inFlight > 0 {
                monitor.poll()
                if ContinuousClock.now - lastProgress > .seconds(10) {
                    report("finishing", since: playStart)
                    lastProgress = .now
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            outcome.playSeconds = (ContinuousClock.now - playStart).seconds
            outcome.server.afterPlay = monitor.sample()
        } else {
            let holdEnd = ContinuousClock.now + .seconds(max(0, plan.duration - plan.settle))
            while ContinuousClock.now < holdEnd {
                monitor.poll()
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        outcome.figures = run.snapshot
        outcome.stub = record?.snapshot
        outcome.server.end = monitor.sample()
        outcome.server.peakKiB = monitor.peakKiB
        outcome.server.checkpoints = checkpoints.taken
        outcome.client = (clientStart, ProcessSample.own())

        for line in LoadReport(plan: plan, outcome: outcome).lines { output(line) }

        for channel in channels { channel.pipeline.fireUserInboundEventTriggered(CloseConnection()) }
        try? await Task.sleep(for: .milliseconds(500))
        return outcome
    }

    private func connect(index: Int, run: LoadRun, group: MultiThreadedEventLoopGroup) async throws -> any Channel {
        let name = run.settings.namePrefix + String(index)
        let isActive = index < plan.active
        let webSocket = plan.webSocket ? "\(plan.host):\(plan.port)" : nil
        var bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(30))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let webSocket {
                        try pipeline.addHandlers([
                            WebSocketHandshake(host: webSocket),
                            ByteToMessageHandler(WebSocketFrameDecoder(maxFrameSize: 1 << 20)),
                            WebSocketFrameEncoder(),
                            WebSocketScreenText(),
                        ])
                    }
                    try pipeline.addHandler(LoadConnection(run: run, name: name, active: isActive))
                }
            }
        if let address = plan.clientAddress(of: index) {
            bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: address, port: 0))
        }
        return try await bootstrap.connect(host: plan.host, port: plan.port).get()
    }

    /// Starts the active readers evenly over the ramp. Readers' turns take the same time, so
    /// readers started together stay in step: all at once is the burst case, a ramp a steady
    /// mix of phases.
    private func startPlaying(_ players: ArraySlice<any Channel>, run: LoadRun) {
        run.measureFrom(.now + .seconds(plan.ramp))
        let gap = players.count > 1 ? plan.ramp / Double(players.count) : 0
        for (index, channel) in players.enumerated() {
            let delay = TimeAmount.nanoseconds(Int64(Double(index) * gap * 1e9))
            channel.eventLoop.scheduleTask(in: delay) {
                channel.pipeline.fireUserInboundEventTriggered(StartPlaying())
            }
        }
    }

    static func progressLine(_ f: LoadFigures, label: String, since start: ContinuousClock.Instant,
                             stub: StubRecord.Counts?, server: ProcessSample?) -> String {
        String(format: "[%5.0f s] %@: open %d, in %d, openings %d, turns %d, in flight %d, errors %d",
               (ContinuousClock.now - start).seconds, label, f.open, f.loggedIn, f.openings, f.turns, f.inFlight,
               f.errorCount)
            + (stub.map { ", stub streaming \($0.streaming)" } ?? "")
            + (server.map { ", server RSS \($0.megabytes), CPU \(String(format: "%.1f", $0.cpuSeconds)) s" } ?? "")
    }
}

/// The server's RSS each time `every` more readers are in.
struct Checkpoints {
    let every: Int
    private var next: Int
    private(set) var taken: [(readers: Int, sample: ProcessSample)] = []

    init(every: Int) {
        self.every = every
        next = every
    }

    mutating func take(readers: Int, monitor: ServerMonitor) {
        guard every > 0 else { return }
        monitor.poll()
        while readers >= next {
            if let sample = monitor.sample() { taken.append((readers, sample)) }
            next += every
        }
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
