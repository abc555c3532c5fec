import FableCore
import FableStub
import Synchronization

/// What every connection of one load run shares: its settings and what it measured.
final class LoadRun: Sendable {
    struct Settings: Sendable {
        var namePrefix: String
        var password: String
        var story: String
        /// Turns per active reader after the opening (0: until the run stops them).
        var turnsPerReader: Int
        var instruction: String
        /// false: stop at the `Name: ` prompt (what a connection costs before anyone logs in).
        var logIn = true
    }

    /// The marks of the stub's reply N, when the run plays against a paced stub.
    typealias StubMarks = @Sendable (Int) -> StubRecord.Marks?

    let settings: Settings
    private let stubMarks: StubMarks?
    private struct State {
        var figures = LoadFigures()
        /// Steps sent before this instant are left out of the latencies (the ramp).
        var measuredFrom: ContinuousClock.Instant?
    }
    private let state = Mutex(State())
    /// Set when no new turn may start (the run's time is up).
    private let stopped = Atomic<Bool>(false)

    init(settings: Settings, stubMarks: StubMarks?) {
        self.settings = settings
        self.stubMarks = stubMarks
    }

    var snapshot: LoadFigures { state.withLock { $0.figures } }

    func update(_ change: (inout LoadFigures) -> Void) {
        state.withLock { change(&$0.figures) }
    }

    func error(_ kind: String) {
        state.withLock { $0.figures.errors[kind, default: 0] += 1 }
    }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    func measureFrom(_ instant: ContinuousClock.Instant) {
        state.withLock { $0.measuredFrom = instant }
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// A finished step; `passageNumber` is the stub's reply number read from the passage.
    func turnEnded(opening: Bool, sent: ContinuousClock.Instant, firstByte: ContinuousClock.Instant?,
                   ended: ContinuousClock.Instant, passageNumber: Int?) {
        let marks = stubMarks.flatMap { marks in passageNumber.flatMap { marks($0) } }
        state.withLock { state in
            state.figures.inFlight -= 1
            if opening { state.figures.openings += 1 } else { state.figures.turns += 1 }
            if let from = state.measuredFrom, sent < from {
                state.figures.beforeRamp += 1
                return
            }
            state.figures.add(opening: opening, sent: sent, firstByte: firstByte, ended: ended,
                              stub: stubMarks == nil ? nil : .some(marks))
        }
    }
}

/// What a load run measured, in milliseconds where it is a time.
public struct LoadFigures: Sendable {
    public var connected = 0
    public var connectFailures = 0
    public var loggedIn = 0
    public var loginFailures = 0
    public var closedByServer = 0
    public var open = 0
    public var openings = 0
    public var turns = 0
    public var restarts = 0
    public var inFlight = 0
    public var activeDone = 0
    public var errors: [String: Int] = [:]
    /// Instruction sent → first passage byte.
    public var firstByte = Samples()
    /// Instruction sent → options and prompt shown.
    public var turn = Samples()
    /// `new STORY` sent → the opening's options and prompt.
    public var opening = Samples()
    /// Stub wrote the token with the passage's first character → first passage byte arrived.
    public var serverAdded = Samples()
    /// Stub wrote the token completing the passage's first word → first passage byte arrived.
    public var serverAddedWord = Samples()
    /// Stub wrote the token that lets the passage gate show the passage → first passage byte
    /// arrived: what the server adds beyond the gate's deliberate hold.
    public var serverAddedReleased = Samples()
    /// Instruction sent → the model's request arrived at the stub (turns only).
    public var toModel = Samples()
    /// Replies the client could not match to a stub request.
    public var unmatched = 0
    /// Steps sent before the ramp ended (counted, not in the latencies).
    public var beforeRamp = 0

    public init() {}

    public var errorCount: Int { errors.values.reduce(0, +) }
    public var steps: Int { openings + turns }

    /// Adds one measured step's latencies. `stub`: nil when the run has no stub; `.some(nil)`
    /// when it has one but the passage matched none of its replies.
    mutating func add(opening isOpening: Bool, sent: ContinuousClock.Instant, firstByte: ContinuousClock.Instant?,
                      ended: ContinuousClock.Instant, stub: StubRecord.Marks??) {
        if isOpening {
            opening.add((ended - sent).milliseconds)
        } else {
            turn.add((ended - sent).milliseconds)
            if let firstByte { self.firstByte.add((firstByte - sent).milliseconds) }
        }
        guard case .some(let marks) = stub, let firstByte else { return }
        guard let marks, let passage = marks.passage else {
            unmatched += 1
            return
        }
        serverAdded.add((firstByte - passage).milliseconds)
        if let word = marks.word { serverAddedWord.add((firstByte - word).milliseconds) }
        if let released = marks.released { serverAddedReleased.add((firstByte - released).milliseconds) }
        if !isOpening { toModel.add((marks.requested - sent).milliseconds) }
    }
}
