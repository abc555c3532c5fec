import ArgumentParser
import Foundation
import NIOCore
import NIOPosix

/// A load generator for a running `fable serve`: N readers over raw TCP, M of them
/// playing turns against a paced stub model that this command runs in process.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Open N reader connections to a running server, have M of them play, and report latencies and the server's cost.",
        discussion: """
            Stub mode (the default) starts a paced stub model in this process first, on --stub-port: \
            start the server with FABLE_LLM_URL=http://127.0.0.1:STUB_PORT/v1 (it only calls the model \
            once a step starts, so it may be started before this command). The stub streams \
            `StubStoryteller` replies one token (--stub-chars-per-token characters) at a time and notes \
            when it writes the token holding each passage's first character, so the report can give the \
            time the server adds before the reader's first passage byte. --no-stub: the server's own model.

            Start the server with --password-rounds 16 (account creation is not what is measured) and \
            --connections-per-address (or use --per-address to spread the readers over 127.x.y.z), \
            and with --max-generations at least --active. Give --server-pid for its memory and CPU time.
            """)

    @Option(help: "The server's address.")
    var host = "127.0.0.1"

    @Option(help: "The server's port.")
    var port = 4000

    @Option(help: "Reader connections to open.")
    var connections = 10

    @Option(help: "How many of them start a world and play.")
    var active = 0

    @Option(help: "Turns each active reader plays after its opening (0: until --duration is up).")
    var turns = 0

    @Option(help: "Seconds active readers keep starting turns (idle runs: seconds the connections are held).")
    var duration = 60.0

    @Option(help: "Seconds over which the active readers' first steps are spread; latencies count from its end (0: all at once).")
    var ramp = 0.0

    @Option(help: "The story active readers start (`new STORY`).")
    var story = "lighthouse"

    @Option(help: "The line sent each turn.")
    var instruction = "1"

    @Option(name: .customLong("connect-rate"), help: "New connections per second.")
    var connectRate = 200.0

    @Option(name: .customLong("per-address"),
            help: "Readers per client address: bind every K connections to the next loopback address, 127.0.0.2 on (0: do not bind).")
    var perAddress = 0

    @Option(name: .customLong("server-pid"), help: "The server's process id: its RSS and CPU time are read from /proc.")
    var serverPID: Int32?

    @Option(name: .customLong("name-prefix"), help: "Reader names are PREFIX + number (default: a prefix unique to this run).")
    var namePrefix: String?

    @Option(help: "The readers' password.")
    var password = "load-test-1"

    @Option(name: .customLong("client-threads"), help: "Event-loop threads of the client.")
    var clientThreads = 1

    @Option(help: "Seconds to wait after every reader is in before the idle figures are read.")
    var settle = 5.0

    @Option(help: "Seconds steps still being written get to finish when the run ends.")
    var grace = 120.0

    @Option(name: .customLong("checkpoint-every"), help: "Read the server's RSS every time this many more readers are in.")
    var checkpointEvery = 1000

    @Flag(name: .customLong("no-login"),
          help: "Stop at the `Name: ` prompt: what a connection costs before login (the server closes it after 120 s).")
    var noLogin = false

    @Flag(name: .customLong("no-stub"), help: "Do not run the stub: the server talks to its own model.")
    var noStub = false

    @Option(name: .customLong("stub-port"), help: "The stub's port (127.0.0.1).")
    var stubPort = 8413

    @Option(name: .customLong("stub-tokens-per-second"), help: "The stub's speed, per reply.")
    var stubTokensPerSecond = 30.0

    @Option(name: .customLong("stub-first-token-ms"), help: "The stub's time to first token.")
    var stubFirstTokenMs = 500

    @Option(name: .customLong("stub-chars-per-token"), help: "Characters in one streamed token.")
    var stubCharsPerToken = 4

    @Flag(name: .customLong("stub-only"), help: "Only run the stub until interrupted (for another client).")
    var stubOnly = false

    func validate() throws {
        guard connections >= 1, (0...connections).contains(active) else {
            throw ValidationError("--connections must be at least 1 and --active between 0 and --connections")
        }
        guard !noLogin || active == 0 else { throw ValidationError("--no-login needs --active 0") }
        guard ramp >= 0, ramp < duration || active == 0 else {
            throw ValidationError("--ramp must be at least 0 and shorter than --duration")
        }
        guard connectRate > 0, clientThreads >= 1, stubTokensPerSecond > 0, stubCharsPerToken >= 1 else {
            throw ValidationError("--connect-rate, --client-threads, --stub-tokens-per-second and --stub-chars-per-token must be positive")
        }
        if let namePrefix, namePrefix.count > 12 || !(namePrefix.first?.isLetter ?? false) {
            throw ValidationError("--name-prefix: a letter, then letters or digits, at most 12 characters")
        }
    }

    func run() async throws {
        let stubGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: clientThreads)
        var stub: PacedStub?
        if !noStub {
            stub = try await PacedStub.start(group: stubGroup, host: "127.0.0.1", port: stubPort, pacing: .init(
                tokensPerSecond: stubTokensPerSecond, firstToken: .milliseconds(Int64(stubFirstTokenMs)),
                charsPerToken: stubCharsPerToken))
            print("stub: \(stub!.url) — start the server with FABLE_LLM_URL=\(stub!.url); "
                  + "\(Self.number(stubTokensPerSecond)) tokens/s of \(stubCharsPerToken) characters, first token after \(stubFirstTokenMs) ms")
        }
        if stubOnly {
            while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
            return
        }
        let prefix = namePrefix ?? Self.runPrefix()
        let run = LoadRun(settings: .init(namePrefix: prefix, password: password, story: story, turnsPerReader: turns,
                                          instruction: instruction, logIn: !noLogin),
                          stub: stub?.record)
        let report = try await drive(run: run, group: clientGroup)
        await stub?.stop()
        try? await clientGroup.shutdownGracefully()
        try? await stubGroup.shutdownGracefully()
        if !report { throw ExitCode.failure }
    }

    /// Connects, logs in, plays, reports. Returns whether the run was clean.
    private func drive(run: LoadRun, group: MultiThreadedEventLoopGroup) async throws -> Bool {
        print("fable load: \(connections) connections (\(active) active) to \(host):\(port), readers \(run.settings.namePrefix)0…, "
              + (perAddress > 0 ? "\(perAddress) per client address" : "all from one address"))
        print(MachineDescription.current().line)
        let monitor = ServerMonitor(pid: serverPID)
        let baseline = monitor.sample()
        if let baseline { print("server pid \(serverPID!): RSS \(baseline.megabytes) before the first connection") }
        let clientStart = ProcessSample.own()

        // Connect and log in, at --connect-rate.
        let started = ContinuousClock.now
        var channels: [any Channel] = []
        channels.reserveCapacity(connections)
        var nextCheckpoint = checkpointEvery
        var checkpoints: [(readers: Int, sample: ProcessSample)] = []
        let interval = 1.0 / connectRate
        for index in 0..<connections {
            let due = started + .seconds(Double(index) * interval)
            if due > .now { try await Task.sleep(until: due, clock: .continuous) }
            do {
                channels.append(try await connect(index: index, run: run, group: group))
            } catch {
                run.update { $0.connectFailures += 1 }
                run.error("connect: \(error)")
            }
            if index % 500 == 499 { progress(run, monitor, since: started, label: "connecting") }
            checkpoint(run, monitor, &nextCheckpoint, &checkpoints)
        }
        // Every reader in (or refused), within a deadline that grows with the count.
        let loginDeadline = ContinuousClock.now + .seconds(60 + connections / 20)
        var lastProgress = ContinuousClock.now
        while ContinuousClock.now < loginDeadline {
            checkpoint(run, monitor, &nextCheckpoint, &checkpoints)
            let f = run.snapshot
            if f.loggedIn + f.loginFailures + f.connectFailures + f.closedByServer >= connections { break }
            if ContinuousClock.now - lastProgress > .seconds(10) {
                progress(run, monitor, since: started, label: "logging in")
                lastProgress = .now
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        checkpoint(run, monitor, &nextCheckpoint, &checkpoints)
        let loginSeconds = Self.seconds(since: started)
        let afterLogin = monitor.sample()
        print(String(format: "connected and logged in: %d of %d in %.1f s", run.snapshot.loggedIn, connections, loginSeconds))
        try await Task.sleep(for: .seconds(settle))
        let settled = monitor.sample()

        // Play.
        var playSeconds = 0.0
        var afterPlay: ProcessSample?
        if active > 0 {
            let playStart = ContinuousClock.now
            startPlaying(channels.prefix(active), over: ramp, run: run)
            let deadline = playStart + .seconds(duration)
            lastProgress = .now
            while ContinuousClock.now < deadline, run.snapshot.activeDone < active {
                monitor.poll()
                if ContinuousClock.now - lastProgress > .seconds(10) {
                    progress(run, monitor, since: playStart, label: "playing")
                    lastProgress = .now
                }
                try await Task.sleep(for: .milliseconds(250))
            }
            run.stop()
            let graceEnd = ContinuousClock.now + .seconds(grace)
            while ContinuousClock.now < graceEnd, run.snapshot.inFlight > 0 {
                monitor.poll()
                if ContinuousClock.now - lastProgress > .seconds(10) {
                    progress(run, monitor, since: playStart, label: "finishing")
                    lastProgress = .now
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            playSeconds = Self.seconds(since: playStart)
            afterPlay = monitor.sample()
        } else {
            let holdEnd = ContinuousClock.now + .seconds(max(0, duration - settle))
            while ContinuousClock.now < holdEnd {
                monitor.poll()
                try await Task.sleep(for: .milliseconds(500))
            }
        }
        let final = run.snapshot
        let end = monitor.sample()
        let clientEnd = ProcessSample.own()

        printReport(final, run: run, loginSeconds: loginSeconds, playSeconds: playSeconds, baseline: baseline,
                    afterLogin: afterLogin, settled: settled, afterPlay: afterPlay, end: end, peak: monitor.peakKiB,
                    checkpoints: checkpoints, client: (clientStart, clientEnd))

        for channel in channels { channel.pipeline.fireUserInboundEventTriggered(CloseConnection()) }
        try? await Task.sleep(for: .milliseconds(500))
        let missing = active > 0 && final.inFlight > 0
        return final.errorCount == 0 && final.connectFailures == 0 && !missing
    }

    private func connect(index: Int, run: LoadRun, group: MultiThreadedEventLoopGroup) async throws -> any Channel {
        let name = run.settings.namePrefix + String(index)
        let isActive = index < active
        var bootstrap = ClientBootstrap(group: group)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(30))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(LoadConnection(run: run, name: name, active: isActive))
                }
            }
        if perAddress > 0 {
            bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: Self.loopback(index / perAddress), port: 0))
        }
        return try await bootstrap.connect(host: host, port: port).get()
    }

    /// The n-th client address: 127.0.0.2, 127.0.0.3, … (never a .0 or .255 last octet).
    static func loopback(_ n: Int) -> String {
        let k = n + 1
        return "127.\((k / (254 * 256)) % 256).\((k / 254) % 256).\(1 + k % 254)"
    }

    /// A name prefix no earlier run used: "L" and the time in base 36.
    static func runPrefix() -> String {
        "L" + String(Int(Date().timeIntervalSince1970 * 10) % 60_466_176, radix: 36) + "x"
    }

    private func checkpoint(_ run: LoadRun, _ monitor: ServerMonitor, _ next: inout Int,
                            _ checkpoints: inout [(readers: Int, sample: ProcessSample)]) {
        guard checkpointEvery > 0 else { return }
        monitor.poll()
        let readers = run.snapshot.loggedIn
        while readers >= next {
            if let sample = monitor.sample() { checkpoints.append((readers, sample)) }
            next += checkpointEvery
        }
    }

    private func progress(_ run: LoadRun, _ monitor: ServerMonitor, since: ContinuousClock.Instant, label: String) {
        let f = run.snapshot
        let server = monitor.sample().map { ", server RSS \($0.megabytes), CPU \(String(format: "%.1f", $0.cpuSeconds)) s" } ?? ""
        let stub = run.stub.map { ", stub streaming \($0.snapshot.streaming)" } ?? ""
        Console.err(String(format: "[%5.0f s] %@: open %d, in %d, openings %d, turns %d, in flight %d, errors %d",
                           Self.seconds(since: since), label, f.open, f.loggedIn, f.openings, f.turns, f.inFlight,
                           f.errorCount) + stub + server + "\n")
    }

    /// Starts the active readers evenly over `ramp` seconds. Readers' turns take the same time, so readers
    /// started together stay in step: all at once is the burst case, a ramp a steady mix of phases.
    private func startPlaying(_ players: ArraySlice<any Channel>, over ramp: Double, run: LoadRun) {
        run.measureFrom(MonotonicClock.now() + UInt64(ramp * 1e9))
        let gap = players.count > 1 ? ramp / Double(players.count) : 0
        for (index, channel) in players.enumerated() {
            let delay = TimeAmount.nanoseconds(Int64(Double(index) * gap * 1e9))
            channel.eventLoop.scheduleTask(in: delay) {
                channel.pipeline.fireUserInboundEventTriggered(StartPlaying())
            }
        }
    }

    // MARK: - Report

    private func printReport(_ f: LoadRun.Figures, run: LoadRun, loginSeconds: Double, playSeconds: Double,
                             baseline: ProcessSample?, afterLogin: ProcessSample?, settled: ProcessSample?,
                             afterPlay: ProcessSample?, end: ProcessSample?, peak: Int,
                             checkpoints: [(readers: Int, sample: ProcessSample)],
                             client: (ProcessSample?, ProcessSample?)) {
        print("")
        print("## fable load: \(connections) connections, \(active) active")
        print("")
        print("- connections: \(f.connected) opened, \(f.loggedIn) logged in, \(f.open) held at the end; "
              + "\(f.connectFailures) failed to connect, \(f.loginFailures) logins refused, \(f.closedByServer) closed by the server")
        print(String(format: "- login: %.1f s for %d readers (%.0f a second)", loginSeconds, f.loggedIn,
                     Double(f.loggedIn) / max(0.001, loginSeconds)))
        if active > 0 {
            let steps = f.steps
            print(String(format: "- steps: %d openings + %d turns in %.1f s (%.1f steps a second); %d restarts; %d still in flight at the end",
                         f.openings, f.turns, playSeconds, Double(steps) / max(0.001, playSeconds), f.restarts, f.inFlight))
            if ramp > 0 {
                print(String(format: "- ramp: active readers started over %.1f s; the latencies below are of the %d steps sent after it (%d before)",
                             ramp, f.steps - f.beforeRamp, f.beforeRamp))
            }
            print("- first passage byte after the instruction: \(f.firstByte.summary())")
            print("- turn latency (instruction → options and prompt): \(f.turn.summary())")
            print("- opening latency (`new \(story)` → options and prompt): \(f.opening.summary())")
            if let stub = run.stub {
                let s = stub.snapshot
                print("- stub: \(s.requests) requests, \(s.completed) streamed whole, \(s.cut) cut by the client, "
                      + "\(s.tokens) tokens, at most \(s.mostStreaming) at once")
                print("- server-added time, stub's token with the passage's first character → reader's first passage byte: "
                      + f.serverAdded.summary([0.5, 0.95, 0.99, 1.0]))
                print("- the same from the token that completes the passage's first word (what word wrapping can show): "
                      + f.serverAddedWord.summary([0.5, 0.95, 0.99, 1.0])
                      + (f.unmatched > 0 ? "; \(f.unmatched) passages not matched to a stub reply" : ""))
                print("- instruction sent → the step's request whole at the stub (server work before the model): "
                      + f.toModel.summary())
            }
        }
        print("- errors: \(f.errorCount)" + (f.errors.isEmpty ? "" : " — " + f.errors.sorted { $0.value > $1.value }
            .map { "\($0.key): \($0.value)" }.joined(separator: "; ")))
        if let baseline, let afterLogin, let settled, let end {
            print("- server RSS: \(baseline.megabytes) before, \(afterLogin.megabytes) with every reader in, "
                  + "\(settled.megabytes) after \(Self.number(settle)) s idle, "
                  + (afterPlay.map { "\($0.megabytes) after playing, " } ?? "")
                  + "\(end.megabytes) at the end; highest seen \(String(format: "%.1f MiB", Double(peak) / 1024)), "
                  + "VmHWM \(String(format: "%.1f MiB", Double(end.peakKiB) / 1024)); threads \(end.threads)")
            if f.loggedIn > 0 {
                print(String(format: "- server RSS per reader (all in minus before, / readers): %.1f KiB",
                             Double(settled.rssKiB - baseline.rssKiB) / Double(f.loggedIn)))
            }
            for pair in zip(checkpoints, checkpoints.dropFirst()) {
                let (a, b) = pair
                print(String(format: "- RSS at %d readers %.1f MiB → at %d readers %.1f MiB: %.1f KiB per added reader",
                             a.readers, Double(a.sample.rssKiB) / 1024, b.readers, Double(b.sample.rssKiB) / 1024,
                             Double(b.sample.rssKiB - a.sample.rssKiB) / Double(max(1, b.readers - a.readers))))
            }
            let loginCPU = afterLogin.cpuSeconds - baseline.cpuSeconds
            print(String(format: "- server CPU: %.2f s for the logins (%.2f ms a reader); idle with every reader in: %.1f%% of a core",
                         loginCPU, loginCPU * 1000 / Double(max(1, f.loggedIn)),
                         100 * (settled.cpuSeconds - afterLogin.cpuSeconds) / max(0.001, Self.seconds(afterLogin.at, settled.at))))
            if let afterPlay, active > 0 {
                let cpu = afterPlay.cpuSeconds - settled.cpuSeconds
                let steps = f.steps
                print(String(format: "- server CPU while playing: %.2f s over %.1f s (%.0f%% of a core); %.1f ms per completed step",
                             cpu, playSeconds, 100 * cpu / max(0.001, playSeconds), cpu * 1000 / Double(max(1, steps))))
            }
        }
        if let start = client.0, let end = client.1 {
            print(String(format: "- this load client (and its stub): %.2f s CPU, RSS %@", end.cpuSeconds - start.cpuSeconds,
                         end.megabytes))
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        seconds(start, .now)
    }

    static func seconds(_ a: ContinuousClock.Instant, _ b: ContinuousClock.Instant) -> Double {
        let elapsed = b - a
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}

/// Reads the server's /proc figures and keeps the highest RSS seen.
final class ServerMonitor {
    let pid: Int32?
    private(set) var peakKiB = 0
    private var lastPoll = ContinuousClock.now - .seconds(10)

    init(pid: Int32?) {
        self.pid = pid
    }

    func sample() -> ProcessSample? {
        guard let pid, let sample = ProcessSample.read(pid: pid) else { return nil }
        peakKiB = max(peakKiB, sample.rssKiB)
        return sample
    }

    /// At most twice a second.
    func poll() {
        guard ContinuousClock.now - lastPoll > .milliseconds(500) else { return }
        lastPoll = .now
        _ = sample()
    }
}
