import FableCore
import Foundation
import Synchronization

/// What every connection of one `fable load` run shares: its settings and what it measured.
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

    struct Figures: Sendable {
        var connected = 0
        var connectFailures = 0
        var loggedIn = 0
        var loginFailures = 0
        var closedByServer = 0
        var open = 0
        var openings = 0
        var turns = 0
        var restarts = 0
        var inFlight = 0
        var activeDone = 0
        var errors: [String: Int] = [:]
        /// Instruction sent → first passage byte.
        var firstByte = Samples()
        /// Instruction sent → options and prompt shown.
        var turn = Samples()
        /// `new STORY` sent → the opening's options and prompt.
        var opening = Samples()
        /// Stub wrote the token with the passage's first character → first passage byte arrived.
        var serverAdded = Samples()
        /// Stub wrote the token completing the passage's first word → first passage byte arrived.
        var serverAddedWord = Samples()
        /// Instruction sent → the model's request arrived at the stub (turns only).
        var toModel = Samples()
        /// Replies the client could not match to a stub request.
        var unmatched = 0

        /// Steps sent before the ramp ended (counted, not in the latencies).
        var beforeRamp = 0

        var errorCount: Int { errors.values.reduce(0, +) }
        var steps: Int { openings + turns }
    }

    let settings: Settings
    let stub: StubRecord?
    private let figures = Mutex(Figures())
    /// Set when no new turn may start (the run's time is up).
    private let stopped = Atomic<Bool>(false)
    /// Steps sent before this monotonic time are left out of the latencies (the ramp).
    private let measuredFrom = Atomic<UInt64>(0)

    init(settings: Settings, stub: StubRecord?) {
        self.settings = settings
        self.stub = stub
    }

    var snapshot: Figures { figures.withLock { $0 } }

    func update(_ change: (inout Figures) -> Void) {
        figures.withLock { change(&$0) }
    }

    func error(_ kind: String) {
        figures.withLock { $0.errors[kind, default: 0] += 1 }
    }

    var isStopped: Bool { stopped.load(ordering: .relaxed) }

    func measureFrom(_ time: UInt64) {
        measuredFrom.store(time, ordering: .relaxed)
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    /// A finished turn; `passageNumber` is the stub's reply number read from the passage.
    func turnEnded(opening: Bool, sent: UInt64, firstByte: UInt64?, ended: UInt64, passageNumber: Int?) {
        var added: Double?
        var addedWord: Double?
        var toModel: Double?
        var unmatched = false
        let measured = sent >= measuredFrom.load(ordering: .relaxed)
        if measured, let stub, let firstByte {
            if let number = passageNumber, let marks = stub.marks(of: number), marks.passage > 0 {
                added = MonotonicClock.milliseconds(from: marks.passage, to: firstByte)
                if marks.word > 0 { addedWord = MonotonicClock.milliseconds(from: marks.word, to: firstByte) }
                if marks.requested > 0 { toModel = MonotonicClock.milliseconds(from: sent, to: marks.requested) }
            } else {
                unmatched = true
            }
        }
        figures.withLock { f in
            f.inFlight -= 1
            if opening { f.openings += 1 } else { f.turns += 1 }
            guard measured else {
                f.beforeRamp += 1
                return
            }
            if opening {
                f.opening.add(MonotonicClock.milliseconds(from: sent, to: ended))
            } else {
                f.turn.add(MonotonicClock.milliseconds(from: sent, to: ended))
                if let firstByte { f.firstByte.add(MonotonicClock.milliseconds(from: sent, to: firstByte)) }
                if let toModel { f.toModel.add(toModel) }
            }
            if let added { f.serverAdded.add(added) }
            if let addedWord { f.serverAddedWord.add(addedWord) }
            if unmatched { f.unmatched += 1 }
        }
    }
}
