import FableCore
import Foundation
import Synchronization

/// Who is connected and what each is doing: for `who`, for taking over a session when
/// a reader logs in again, for broadcasts and for shutdown.
public actor ReaderRegistry {
    public struct Entry: Sendable {
        public let id: UInt64
        public let address: String
        public let connectedAt: Date
        public var name: String?
        public var activity: String
        /// The session's clock of its reader's last line, read without a hop to the session.
        let input: InputClock
        /// When the reader last sent a line.
        public var lastInput: Date { input.lastDate }
        let screen: Screen
        let deliver: @Sendable (SessionNotice) -> Void
    }

    private var entries: [UInt64: Entry] = [:]
    /// Readers logged in, readable without a hop to the actor (MSSP's PLAYERS).
    private nonisolated let loggedIn = Atomic<Int>(0)
    public nonisolated var readersOnline: Int { loggedIn.load(ordering: .relaxed) }
    private var nextID: UInt64 = 1
    private var emptyWaiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    private var shutdownHandler: (@Sendable (Duration) -> Void)?
    /// Told whenever who is logged in, or what they do, changes (the front ends' presence).
    private var changeHandler: (@Sendable () -> Void)?

    public func onChange(_ handler: @escaping @Sendable () -> Void) {
        changeHandler = handler
    }

    /// What a reader's older session is told when they log in again, here or on another front end.
    public static let loggedInElsewhere = "You logged in from somewhere else; this connection is closing."

    func register(address: String, screen: Screen, input: InputClock,
                  deliver: @escaping @Sendable (SessionNotice) -> Void) -> UInt64 {
        let id = nextID
        nextID += 1
        entries[id] = Entry(id: id, address: address, connectedAt: Date(), name: nil, activity: "logging in",
                            input: input, screen: screen, deliver: deliver)
        return id
    }

    /// The logged-in session of a reader, by name (any case).
    func entry(named name: String) -> Entry? {
        entries.values.first { $0.name?.lowercased() == name.lowercased() }
    }

    /// A connected reader's screen, to watch (`@snoop`).
    public func screen(of name: String) -> Screen? {
        entry(named: name)?.screen
    }

    /// Disconnects a reader; false if they are not connected.
    public func boot(_ name: String, reason: String) -> Bool {
        guard let entry = entry(named: name) else { return false }
        entry.deliver(.boot(reason))
        return true
    }

    public func onShutdown(_ handler: @escaping @Sendable (Duration) -> Void) {
        shutdownHandler = handler
    }

    /// Asks the server to shut down; false if nothing listens (a server not started by `GameServer`).
    public func requestShutdown(grace: Duration) -> Bool {
        guard let shutdownHandler else { return false }
        shutdownHandler(grace)
        return true
    }

    public func remove(_ id: UInt64) {
        if entries.removeValue(forKey: id)?.name != nil {
            loggedIn.subtract(1, ordering: .relaxed)
            changeHandler?()
        }
        if entries.isEmpty {
            let waiters = emptyWaiters
            emptyWaiters = []
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Returns once no session is registered.
    public func waitUntilEmpty() async {
        guard !entries.isEmpty else { return }
        await withCheckedContinuation { emptyWaiters.append($0) }
    }

    /// Marks the session as this reader's, telling any older session of the same reader to close.
    public func login(_ id: UInt64, name: String) {
        for entry in entries.values where entry.id != id && entry.name?.lowercased() == name.lowercased() {
            entry.deliver(.boot(Self.loggedInElsewhere))
        }
        guard entries[id] != nil else { return }
        if entries[id]?.name == nil { loggedIn.add(1, ordering: .relaxed) }
        entries[id]?.name = name
        changeHandler?()
    }

    /// The reader logged in on another front end: their session here closes, as it would for
    /// a second login on this server. False if they had none here.
    @discardableResult
    public func loggedInElsewhere(_ name: String) -> Bool {
        boot(name, reason: Self.loggedInElsewhere)
    }

    public func update(_ id: UInt64, activity: String) {
        guard entries[id] != nil else { return }
        entries[id]?.activity = activity
        if entries[id]?.name != nil { changeHandler?() }
    }

    /// The readers logged in here, as the other front ends' `@who` shows them.
    public func present(frontEnd: String) -> [PresentReader] {
        readers().map { entry in
            PresentReader(name: entry.name ?? "?", address: entry.address, connectedAt: entry.connectedAt,
                          lastInput: entry.lastInput, activity: entry.activity, frontEnd: frontEnd)
        }
    }

    /// Readers who have logged in, by name.
    public func readers() -> [Entry] {
        entries.values.filter { $0.name != nil }.sorted { $0.name!.lowercased() < $1.name!.lowercased() }
    }

    public var connectionCount: Int { entries.count }

    public func broadcast(_ notice: SessionNotice) {
        for entry in entries.values { entry.deliver(notice) }
    }
}

/// What the server or another session tells a session.
public enum SessionNotice: Sendable {
    /// A message to show (e.g. a broadcast).
    case message(String)
    /// Close the connection after showing the reason.
    case boot(String)
    /// A few seconds passed: time-outs and keep-alives (one server-wide clock, not a timer per connection).
    case tick
    /// What a watched reader's screen just showed (`@snoop`).
    case watched(name: String, text: String)
}
