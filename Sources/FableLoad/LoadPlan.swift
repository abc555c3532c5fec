import FableStub
import Foundation

/// What a load run does: N reader connections to a running server, M of them playing.
public struct LoadPlan: Sendable {
    public var host = "127.0.0.1"
    public var port = 4000
    /// Readers connect as the web page does, over a WebSocket on `port` (the server's HTTP
    /// port), instead of as raw telnet clients.
    public var webSocket = false
    /// Reader connections to open.
    public var connections = 10
    /// How many of them start a world and play.
    public var active = 0
    /// Turns each active reader plays after its opening (0: until `duration` is up).
    public var turns = 0
    /// Seconds active readers keep starting turns (idle runs: seconds the connections are held).
    public var duration = 60.0
    /// Seconds over which the active readers' first steps are spread; latencies count from its
    /// end (0: all at once).
    public var ramp = 0.0
    /// The story active readers start (`new STORY`).
    public var story = "lighthouse"
    /// The line sent each turn.
    public var instruction = "1"
    /// New connections per second.
    public var connectRate = 200.0
    /// Readers per client address: every K connections bind to the next loopback address,
    /// 127.0.0.2 on (0: do not bind).
    public var perAddress = 0
    /// The server's process id: its RSS and CPU time are read from /proc.
    public var serverPID: Int32?
    /// Reader names are the prefix and a number.
    public var namePrefix = LoadPlan.runPrefix()
    public var password = "load-test-1"
    /// Event-loop threads of the client.
    public var clientThreads = 1
    /// Seconds to wait after every reader is in before the idle figures are read.
    public var settle = 5.0
    /// Seconds steps still being written get to finish when the run ends.
    public var grace = 120.0
    /// Read the server's RSS every time this many more readers are in (0: never).
    public var checkpointEvery = 1000
    /// false: stop at the `Name: ` prompt (what a connection costs before login).
    public var logIn = true
    /// The paced stub model the run starts in process, on 127.0.0.1:`stubPort`, for the server
    /// to call; nil: the server talks to its own model.
    public var stub: StubPacing? = StubPacing(tokensPerSecond: 30, firstToken: .milliseconds(500), charsPerToken: 4)
    public var stubPort = 8413

    public init() {}

    /// Why the plan cannot run, if it cannot.
    public func validate() throws(LoadPlanError) {
        guard connections >= 1, (0...connections).contains(active) else {
            throw LoadPlanError("--connections must be at least 1 and --active between 0 and --connections")
        }
        guard logIn || active == 0 else { throw LoadPlanError("--no-login needs --active 0") }
        guard ramp >= 0, ramp < duration || active == 0 else {
            throw LoadPlanError("--ramp must be at least 0 and shorter than --duration")
        }
        guard connectRate > 0, clientThreads >= 1, (stub?.tokensPerSecond ?? 1) > 0, (stub?.charsPerToken ?? 1) >= 1 else {
            throw LoadPlanError("--connect-rate, --client-threads, --stub-tokens-per-second and --stub-chars-per-token must be positive")
        }
        guard namePrefix.count <= 12, namePrefix.first?.isLetter ?? false,
              namePrefix.allSatisfy({ $0.isLetter || $0.isNumber }) else {
            throw LoadPlanError("--name-prefix: a letter, then letters or digits, at most 12 characters")
        }
    }

    /// The client address of connection `index`: none without `perAddress`.
    func clientAddress(of index: Int) -> String? {
        perAddress > 0 ? Self.loopback(index / perAddress) : nil
    }

    /// The n-th client address: 127.0.0.2, 127.0.0.3, … (never a .0 or .255 last octet).
    public static func loopback(_ n: Int) -> String {
        let k = n + 1
        return "127.\((k / (254 * 256)) % 256).\((k / 254) % 256).\(1 + k % 254)"
    }

    /// A name prefix no earlier run used: "L" and the time in base 36.
    public static func runPrefix() -> String {
        "L" + String(Int(Date().timeIntervalSince1970 * 10) % 60_466_176, radix: 36) + "x"
    }
}

public struct LoadPlanError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
