import Foundation

/// Who is connected and what each is doing: for `who`, for taking over a session when
/// a reader logs in again, for broadcasts and for shutdown.
public actor ReaderRegistry {
    public struct Entry: Sendable {
        public let id: UInt64
        public let address: String
        public let connectedAt: Date
        public var name: String?
        public var activity: String
        public var lastInput: Date
        let deliver: @Sendable (SessionNotice) -> Void
    }

    private var entries: [UInt64: Entry] = [:]
    private var nextID: UInt64 = 1
    private var generating = 0
    /// Set on shutdown: no new step may start.
    public private(set) var closedForNewSteps = false

    public init() {}

    public func register(address: String, deliver: @escaping @Sendable (SessionNotice) -> Void) -> UInt64 {
        let id = nextID
        nextID += 1
        entries[id] = Entry(id: id, address: address, connectedAt: Date(), name: nil, activity: "logging in",
                            lastInput: Date(), deliver: deliver)
        return id
    }

    public func remove(_ id: UInt64) {
        entries[id] = nil
    }

    /// Marks the session as this reader's, telling any older session of the same reader to close.
    public func login(_ id: UInt64, name: String) {
        for entry in entries.values where entry.id != id && entry.name?.lowercased() == name.lowercased() {
            entry.deliver(.boot("You logged in from somewhere else; this connection is closing."))
        }
        entries[id]?.name = name
    }

    public func update(_ id: UInt64, activity: String? = nil, input: Bool = false) {
        if let activity { entries[id]?.activity = activity }
        if input { entries[id]?.lastInput = Date() }
    }

    /// Readers who have logged in, by name.
    public func readers() -> [Entry] {
        entries.values.filter { $0.name != nil }.sorted { $0.name!.lowercased() < $1.name!.lowercased() }
    }

    public var connectionCount: Int { entries.count }

    public func broadcast(_ notice: SessionNotice) {
        for entry in entries.values { entry.deliver(notice) }
    }

    public func closeForNewSteps() { closedForNewSteps = true }

    /// Counts a step as started unless the server is shutting down (then false).
    public func generationStarted() -> Bool {
        guard !closedForNewSteps else { return false }
        generating += 1
        return true
    }

    public func generationEnded() { generating = max(0, generating - 1) }
    public var generationsInFlight: Int { generating }
}

/// What the server or another session tells a session.
public enum SessionNotice: Sendable {
    /// A message to show (e.g. a broadcast).
    case message(String)
    /// Close the connection after showing the reason.
    case boot(String)
}
