import Foundation

/// The other `fable serve` front ends sharing this one's database: what one front end tells the
/// rest, and who is connected to each. A server alone on its store has no others
/// (`InProcessFrontEndBus` in FableServer); front ends on one PostgreSQL reach each other
/// through it (`PostgresFrontEndBus`).
public protocol FrontEndBus: Sendable {
    /// This front end's id, chosen at random when it starts: how the others tell it apart.
    var frontEndID: String { get }
    /// Starts receiving what the other front ends publish (never this one's own events), handed
    /// to `handler` one at a time in the order they were sent; returns once events published from
    /// now on will be received.
    func start(receiving handler: @escaping @Sendable (FrontEndEvent) async -> Void) async throws
    /// Tells every other front end. Best effort: an event that cannot be sent is logged, not thrown,
    /// as a reader's command must not fail because another front end cannot be told.
    func publish(_ event: FrontEndEvent) async
    /// This front end's readers as they are now, for the others' `@who`. Also the heartbeat:
    /// the readers of a front end that stops announcing (killed) are left out after a bounded time.
    func announce(_ readers: [PresentReader]) async
    /// Readers logged in on the other front ends that are still alive.
    func remoteReaders() async -> [PresentReader]
    /// Stops receiving, and takes this front end's readers out of the others' view.
    func stop() async
}

/// What one front end tells the others.
public enum FrontEndEvent: Sendable, Equatable, Codable {
    /// A reader logged in there: any session of theirs here closes.
    case loggedIn(name: String)
    /// An admin there disconnects a reader, wherever they are.
    case boot(name: String, reason: String)
    /// A message for everyone connected, already worded (`[admin, to everyone] …`).
    case broadcast(text: String)
}

/// A logged-in reader, as `@who` shows them.
public struct PresentReader: Sendable, Equatable, Codable {
    public var name: String
    public var address: String
    public var connectedAt: Date
    public var lastInput: Date
    public var activity: String
    /// The front end the reader is connected to (`FrontEndBus.frontEndID`).
    public var frontEnd: String

    public init(name: String, address: String, connectedAt: Date, lastInput: Date, activity: String, frontEnd: String) {
        self.name = name
        self.address = address
        self.connectedAt = connectedAt
        self.lastInput = lastInput
        self.activity = activity
        self.frontEnd = frontEnd
    }
}

public enum FrontEndID {
    /// Twelve hex digits: a front end's id, unique enough among the few front ends of one database.
    public static func random() -> String {
        let value = UInt64.random(in: 0..<(1 << 48))
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 12 - digits.count) + digits
    }
}
