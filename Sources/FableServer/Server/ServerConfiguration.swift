import FableTelnet
import FableWeb
/// Everything about the server a host may tune (docs/protocol.md lists the defaults).
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 4000
    public var telnet = TelnetConfiguration()
    /// What MSSP crawlers are told: the server's name, contact, genre…
    public var listing = ServerListing()
    /// Lines a reader may send per second, and at once.
    public var commandsPerSecond = 4.0
    public var commandBurst = 12.0
    public var connectionsPerAddress = 8
    /// Bytes a connection may send per second (and at once); a flood is slowed, not read.
    public var inputBytesPerSecond = 16_384
    public var inputBurstBytes = 65_536
    /// A connection that has not logged in by then is closed.
    public var loginIdleTimeout: Duration = .seconds(120)
    /// An IAC NOP after this much silence keeps NAT and firewalls from dropping the line.
    public var keepAliveInterval: Duration = .seconds(60)
    /// The server-wide cap on concurrent LLM calls; further readers queue.
    public var concurrentGenerations = 2
    /// Without text from the storyteller for this long, the reader is told it is writing.
    public var writingNoticeDelay: Duration = .seconds(1)
    /// On SIGINT/SIGTERM, in-flight steps get this long to finish before they are cancelled.
    public var shutdownGrace: Duration = .seconds(5)
    /// How often this front end tells the others (through `GameContext.frontEnds`) who is
    /// connected here, which is also how they know it is alive.
    public var presenceHeartbeat: Duration = .seconds(5)
    /// scrypt's N for new passwords.
    public var passwordRounds = 16384
    public var autoStepLimit = 20
    /// Where the story files are.
    public var storiesDirectory = "stories"
    /// A second listener, for telnet over TLS; none unless asked for (docs/admin.md says why).
    public var tls: TLSListenerConfiguration?
    /// A listener for the web client (HTTP and its WebSocket); none unless given. `fable serve`
    /// gives one by default (docs/admin.md says why).
    public var web: WebListenerConfiguration?

    public init() {}
}

/// The web listener: its port, and the limits of its connections. Its readers are sessions
/// like the telnet ones, under the same limits (the per-address count is shared).
public struct WebListenerConfiguration: Sendable {
    public var port: Int
    public var web = WebConfiguration()
    /// Also serve the page over HTTPS, and its WebSocket as WSS, on this port with the TLS
    /// listener's certificate (only with a TLS listener).
    public var securePort: Int?

    public init(port: Int, securePort: Int? = nil) {
        self.port = port
        self.securePort = securePort
    }
}

/// The TLS listener: its port and what it presents. It serves the same sessions as the plain
/// port, under the same limits.
public struct TLSListenerConfiguration: Sendable {
    public var port: Int
    public var identity: TLSIdentity
    /// A client that has sent nothing by then is told in plain text that the port speaks TLS
    /// (`PlaintextRefusal`): every TLS client speaks first.
    public var silenceBeforeRefusal: Duration = .seconds(5)

    public init(port: Int, identity: TLSIdentity) {
        self.port = port
        self.identity = identity
    }
}
