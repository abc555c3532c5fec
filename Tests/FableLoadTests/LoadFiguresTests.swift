import FableStub
import Testing

@testable import FableLoad

/// What a finished step adds to the run's figures: its latencies, and the time the server
/// added after the stub's marks of the reply its passage names.
@Suite struct LoadFiguresTests {
    private static let start = ContinuousClock.now

    private static func at(_ milliseconds: Int) -> ContinuousClock.Instant {
        start + .milliseconds(milliseconds)
    }

    private func run(marks: [Int: StubRecord.Marks]?) -> LoadRun {
        var stubMarks: LoadRun.StubMarks?
        if let marks { stubMarks = { marks[$0] } }
        return LoadRun(settings: .init(namePrefix: "t", password: "p", story: "s", turnsPerReader: 1, instruction: "1"),
                       stubMarks: stubMarks)
    }

    @Test func aTurnAddsItsLatenciesAndTheTimeTheServerAddedAfterTheStub() {
        let run = run(marks: [7: StubRecord.Marks(requested: Self.at(12), passage: Self.at(40), word: Self.at(45))])
        run.update { $0.inFlight = 1 }
        run.turnEnded(opening: false, sent: Self.at(0), firstByte: Self.at(50), ended: Self.at(300), passageNumber: 7)
        let f = run.snapshot
        #expect(f.turns == 1 && f.openings == 0 && f.inFlight == 0)
        #expect(f.turn.values == [300])
        #expect(f.firstByte.values == [50])
        #expect(f.serverAdded.values == [10])
        #expect(f.serverAddedWord.values == [5])
        #expect(f.toModel.values == [12])
        #expect(f.unmatched == 0)
    }

    @Test func anOpeningCountsAsAnOpeningAndNotTowardsTheModelsRequest() {
        let run = run(marks: [1: StubRecord.Marks(requested: Self.at(5), passage: Self.at(20))])
        run.turnEnded(opening: true, sent: Self.at(0), firstByte: Self.at(21), ended: Self.at(100), passageNumber: 1)
        let f = run.snapshot
        #expect(f.openings == 1 && f.turns == 0)
        #expect(f.opening.values == [100])
        #expect(f.firstByte.isEmpty && f.turn.isEmpty && f.toModel.isEmpty)
        #expect(f.serverAdded.values == [1])
        // No mark for the first word: no sample rather than a wrong one.
        #expect(f.serverAddedWord.isEmpty)
    }

    @Test func aPassageNamingNoReplyOfTheStubIsCountedUnmatched() {
        let run = run(marks: [:])
        run.turnEnded(opening: false, sent: Self.at(0), firstByte: Self.at(10), ended: Self.at(20), passageNumber: 3)
        run.turnEnded(opening: false, sent: Self.at(0), firstByte: Self.at(10), ended: Self.at(20), passageNumber: nil)
        #expect(run.snapshot.unmatched == 2)
        #expect(run.snapshot.serverAdded.isEmpty)
    }

    @Test func withoutAStubNothingIsMatched() {
        let run = run(marks: nil)
        run.turnEnded(opening: false, sent: Self.at(0), firstByte: Self.at(10), ended: Self.at(20), passageNumber: 3)
        #expect(run.snapshot.unmatched == 0)
        #expect(run.snapshot.turn.values == [20])
    }

    @Test func stepsSentBeforeTheRampEndedAreCountedButNotMeasured() {
        let run = run(marks: nil)
        run.measureFrom(Self.at(1_000))
        run.turnEnded(opening: true, sent: Self.at(999), firstByte: Self.at(1_010), ended: Self.at(1_100), passageNumber: nil)
        run.turnEnded(opening: false, sent: Self.at(1_000), firstByte: Self.at(1_010), ended: Self.at(1_100), passageNumber: nil)
        let f = run.snapshot
        #expect(f.steps == 2 && f.beforeRamp == 1)
        #expect(f.opening.isEmpty)
        #expect(f.turn.values == [100])
    }
}
