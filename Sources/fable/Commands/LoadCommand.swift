import ArgumentParser
import FableLoad
import FableStub

/// A load generator for a running `fable serve` (`FableLoad`): N readers over raw TCP, M of
/// them playing turns against a paced stub model that this command runs in process.
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

    @Option(help: "The server's port (with --websocket: its HTTP port).")
    var port = 4000

    @Flag(name: .customLong("websocket"), help: "Readers connect as the web client does, over a WebSocket to --port.")
    var webSocket = false

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
        do {
            try plan.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }

    private var plan: LoadPlan {
        var plan = LoadPlan()
        plan.host = host
        plan.port = port
        plan.webSocket = webSocket
        plan.connections = connections
        plan.active = active
        plan.turns = turns
        plan.duration = duration
        plan.ramp = ramp
        plan.story = story
        plan.instruction = instruction
        plan.connectRate = connectRate
        plan.perAddress = perAddress
        plan.serverPID = serverPID
        if let namePrefix { plan.namePrefix = namePrefix }
        plan.password = password
        plan.clientThreads = clientThreads
        plan.settle = settle
        plan.grace = grace
        plan.checkpointEvery = checkpointEvery
        plan.logIn = !noLogin
        plan.stub = noStub ? nil : StubPacing(tokensPerSecond: stubTokensPerSecond,
                                              firstToken: .milliseconds(stubFirstTokenMs),
                                              charsPerToken: stubCharsPerToken)
        plan.stubPort = stubPort
        return plan
    }

    func run() async throws {
        let plan = plan
        var stub: LoadStub?
        if let pacing = plan.stub {
            stub = try await LoadStub.start(port: plan.stubPort, pacing: pacing)
            print(stub!.description)
        }
        if stubOnly {
            while !Task.isCancelled { try await Task.sleep(for: .seconds(3600)) }
            return
        }
        let outcome = try await LoadGenerator(plan: plan, stub: stub)
            .run(output: { print($0) }, progress: { Console.err($0 + "\n") })
        await stub?.stop()
        if !outcome.isClean { throw ExitCode.failure }
    }
}
