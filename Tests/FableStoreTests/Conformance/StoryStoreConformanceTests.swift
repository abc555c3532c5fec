import FableCore
import FableTestSupport
import Foundation
import Testing

/// The `StoryStore` port's behaviour, checked on every store (`StoreKind.available`).
@Suite struct StoryStoreConformanceTests {
    @Test(arguments: StoreKind.available) func commitsAndReadsBackAfterReopening(_ kind: StoreKind) async throws {
        let tested = try await StoreUnderTest.make(kind)
        var worldID: Int64 = 0
        var headID: Int64 = 0
        do {
            let store = tested.store
            let world = try await store.createWorld(label: "w", premise: testPremise)
            worldID = world.id
            let first = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
            let second = try await store.commit(draft(world: world.id, parent: first, passage: "Two"), expectedHead: first.id)
            headID = second.id
        }
        let store = try await tested.reopen()
        let world = try #require(try await store.world(id: worldID))
        #expect(world.headStepID == headID)
        #expect(world.premise == testPremise)
        let path2 = try await store.path(to: headID)
        #expect(path2.map(\.content.passage) == ["One", "Two"])
        #expect(path2.map(\.depth) == [1, 2])
        #expect(path2[1].content.options == ["a", "b", "c"])
        #expect(try await store.opening(of: headID).content.outline == "The outline.")
        #expect(try await store.world(label: "w")?.id == worldID)
        #expect(try await store.latestWorld(storyID: "test")?.id == worldID)
    }

    @Test(arguments: StoreKind.available) func aCommitAgainstAMovedHeadWritesNothing(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let first = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        await #expect(throws: StoreError.headMoved) {
            try await store.commit(draft(world: world.id, parent: first, passage: "Stale"), expectedHead: nil)
        }
        #expect(try await store.stepCount(worldID: world.id) == 1)
        #expect(try await store.searchBranch(endingAt: first.id, terms: ["stale"], limit: 3).isEmpty)
        #expect(try await store.world(id: world.id)?.headStepID == first.id)
    }

    @Test(arguments: StoreKind.available) func searchSeesOnlyItsOwnBranch(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let root = try await store.commit(draft(world: world.id, parent: nil, passage: "The harbour at dawn."), expectedHead: nil)
        let a1 = try await store.commit(draft(world: world.id, parent: root, passage: "A dragon sleeps in the cellar."), expectedHead: root.id)
        let a2 = try await store.commit(draft(world: world.id, parent: a1, passage: "You climb the stairs."), expectedHead: a1.id)
        // Undo twice, then write another branch from the root.
        _ = try await store.undo(worldID: world.id)
        _ = try await store.undo(worldID: world.id)
        let b1 = try await store.commit(draft(world: world.id, parent: root, passage: "A quiet market day."), expectedHead: root.id)
        let b2 = try await store.commit(draft(world: world.id, parent: b1, passage: "Bread and fish."), expectedHead: b1.id)

        #expect(try await store.searchBranch(endingAt: b2.id, terms: ["dragon"], limit: 3).isEmpty)
        let found = try await store.searchBranch(endingAt: a2.id, terms: ["dragon"], limit: 3)
        #expect(found.map(\.stepID) == [a1.id])
        #expect(found.first?.depth == 2)
        // Another world with the same words is never searched.
        let other = try await store.createWorld(label: "o", premise: testPremise)
        let otherRoot = try await store.commit(draft(world: other.id, parent: nil, passage: "Another dragon."), expectedHead: nil)
        #expect(try await store.searchBranch(endingAt: b2.id, terms: ["dragon"], limit: 3).isEmpty)
        #expect(try await store.searchBranch(endingAt: otherRoot.id, terms: ["dragon"], limit: 3).map(\.stepID) == [otherRoot.id])
    }

    @Test(arguments: StoreKind.available) func ranksIndexLinesAndStemsWords(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        var head = try await store.commit(draft(world: world.id, parent: nil, passage: "Start."), expectedHead: nil)
        for n in 1...20 {
            let passage = n == 7 ? "The keeper hides the silver keys under the stairs." : "Waves and wind, hour \(n)."
            head = try await store.commit(draft(world: world.id, parent: head, passage: passage), expectedHead: head.id)
        }
        let found = try await store.searchBranch(endingAt: head.id, terms: ["silver", "key"], limit: 3)
        #expect(found.first?.depth == 8)
    }

    @Test(arguments: StoreKind.available) func undoAndRedoMoveTheHeadAndKeepEveryStep(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let one = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        let two = try await store.commit(draft(world: world.id, parent: one, passage: "Two"), expectedHead: one.id)
        await #expect(throws: StoreError.nothingToRedo) { try await store.redo(worldID: world.id) }
        #expect(try await store.undo(worldID: world.id).headStepID == one.id)
        await #expect(throws: StoreError.nothingToUndo) { try await store.undo(worldID: world.id) }
        #expect(try await store.redo(worldID: world.id).headStepID == two.id)
        _ = try await store.undo(worldID: world.id)
        // A new step after undo clears the redo stack but keeps the old branch.
        let three = try await store.commit(draft(world: world.id, parent: one, passage: "Three"), expectedHead: one.id)
        #expect(try await store.world(id: world.id)?.redoStack == [])
        #expect(try await store.step(id: two.id)?.content.passage == "Two")
        #expect(try await store.path(to: three.id).map(\.content.passage) == ["One", "Three"])
        #expect(try await store.stepCount(worldID: world.id) == 3)
    }

    @Test(arguments: StoreKind.available)
    func twoCommitsAfterTheSameHeadWriteOneStepAndTheOtherFindsTheHeadMoved(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        var head = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        // Rounds of eight commits after the same head, as eight front ends would race: each
        // round exactly one is written and the others find the head moved.
        for round in 1...5 {
            let parent = head
            let outcomes = await withTaskGroup(of: Result<Step, any Error>.self) { group in
                for n in 0..<8 {
                    group.addTask {
                        do {
                            return .success(try await store.commit(draft(world: world.id, parent: parent,
                                                                         passage: "Round \(round), writer \(n)"),
                                                                   expectedHead: parent.id))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                var outcomes: [Result<Step, any Error>] = []
                for await outcome in group { outcomes.append(outcome) }
                return outcomes
            }
            let written = outcomes.compactMap { try? $0.get() }
            #expect(written.count == 1, "round \(round)")
            for case .failure(let error) in outcomes { #expect(error as? StoreError == .headMoved) }
            #expect(try await store.stepCount(worldID: world.id) == round + 1)
            #expect(try await store.world(id: world.id)?.headStepID == written.first?.id)
            guard let next = written.first else { return }
            head = next
        }
    }

    @Test(arguments: StoreKind.available)
    func aCommitThatFailsMidwayWritesNothing(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let first = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        // The trace is written after the step and its pieces, in the same transaction; a
        // temperature that is not JSON fails it.
        var broken = draft(world: world.id, parent: first, passage: "The lighthouse keeper vanished.")
        broken.trace = StepTrace(messages: [ChatMessage(.user, "go")], reply: "{}", temperature: .nan)
        await #expect(throws: (any Error).self) { try await store.commit(broken, expectedHead: first.id) }
        #expect(try await store.stepCount(worldID: world.id) == 1)
        let firstPieces = try await store.pieces(stepID: first.id).count
        #expect(try await store.pieceCount(worldID: world.id) == firstPieces)
        #expect(try await store.world(id: world.id)?.headStepID == first.id)
        #expect(try await store.searchBranch(endingAt: first.id, terms: ["lighthouse"], limit: 3).isEmpty)
        // The world goes on from where it was.
        let second = try await store.commit(draft(world: world.id, parent: first, passage: "Two"), expectedHead: first.id)
        #expect(try await store.path(to: second.id).map(\.content.passage) == ["One", "Two"])
    }

    @Test(arguments: StoreKind.available)
    func branchEndsTracesAndGotoFollowTheTree(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let root = try await store.commit(draft(world: world.id, parent: nil, passage: "Root"), expectedHead: nil)
        var traced = draft(world: world.id, parent: root, passage: "A")
        let trace = StepTrace(messages: [ChatMessage(.system, "sys"), ChatMessage(.user, "go")],
                              reply: "{\"passage\": \"A\"}", temperature: 0.7, maxTokens: 300)
        traced.trace = trace
        let a = try await store.commit(traced, expectedHead: root.id)
        #expect(try await store.trace(stepID: a.id) == trace)
        #expect(try await store.trace(stepID: root.id) == nil)
        _ = try await store.undo(worldID: world.id)
        let b = try await store.commit(draft(world: world.id, parent: root, passage: "B"), expectedHead: root.id)
        #expect(try await store.branchEnds(worldID: world.id).map(\.id) == [a.id, b.id])
        let moved = try await store.moveHead(worldID: world.id, to: a.id)
        #expect(moved.headStepID == a.id)
        #expect(moved.redoStack == [])
        let other = try await store.createWorld(label: "o", premise: testPremise)
        await #expect(throws: StoreError.noSuchStep(a.id)) { try await store.moveHead(worldID: other.id, to: a.id) }
        await #expect(throws: StoreError.noSuchWorld(999_999)) {
            try await store.commit(draft(world: 999_999, parent: nil, passage: "x"), expectedHead: nil)
        }
        #expect(try await store.step(id: a.id)?.content.options == ["a", "b", "c"])
        #expect(try await store.opening(of: b.id).id == root.id)
        let owned = try await store.createAccount(name: "Ann", passwordHash: "h")
        let mine = try await store.createWorld(label: "mine", premise: testPremise, ownerID: owned.id)
        #expect(try await store.worlds(ownerID: owned.id).map(\.id) == [mine.id])
    }
}

/// Two stores on one database, as two front ends (or a restart) would have.
@Suite struct SharedDatabaseConformanceTests {
    @Test(arguments: StoreKind.available)
    func aSearchSeesStepsAnotherStoreCommittedAfterItsLastSearch(_ kind: StoreKind) async throws {
        let tested = try await StoreUnderTest.make(kind)
        let mine = tested.store
        let world = try await mine.createWorld(label: "w", premise: testPremise)
        var head = try await mine.commit(draft(world: world.id, parent: nil, passage: "The harbour at dawn."), expectedHead: nil)
        head = try await mine.commit(draft(world: world.id, parent: head, passage: "Gulls over the quay."), expectedHead: head.id)
        #expect(try await mine.searchBranch(endingAt: head.id, terms: ["gulls"], limit: 3).map(\.stepID) == [head.id])
        // The other store writes on; this one's next search, from the other's step, sees it all.
        let other = try await tested.reopen()
        let theirs = try await other.commit(draft(world: world.id, parent: head, passage: "A lantern swings in the gale."),
                                            expectedHead: head.id)
        let next = try await other.commit(draft(world: world.id, parent: theirs, passage: "Silence."), expectedHead: theirs.id)
        #expect(try await mine.searchBranch(endingAt: next.id, terms: ["lantern"], limit: 3).map(\.stepID) == [theirs.id])
        #expect(try await mine.searchBranch(endingAt: next.id, terms: ["gulls", "harbour"], limit: 3).count == 2)
        // And a commit after the other's head is checked against it.
        await #expect(throws: StoreError.headMoved) {
            try await mine.commit(draft(world: world.id, parent: head, passage: "Stale."), expectedHead: head.id)
        }
        #expect(try await mine.commit(draft(world: world.id, parent: next, passage: "Dawn."), expectedHead: next.id).depth == 5)
    }
}

/// Long-term search's words, checked on every store.
@Suite struct FullTextConformanceTests {
    @Test(arguments: StoreKind.available)
    func aChineseWordInsideASentenceIsFound(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "jianghu", premise: testPremise)
        let first = try await store.commit(draft(world: world.id, parent: nil,
                                                 passage: "山路很长。张三丰把倚天剑藏在古井里。风吹过竹林。", index: "张三丰上山。"),
                                           expectedHead: nil)
        let second = try await store.commit(draft(world: world.id, parent: first, passage: "客栈里人声鼎沸，小二忙个不停。"),
                                            expectedHead: first.id)
        let found = try await store.searchBranch(endingAt: second.id, terms: SearchTerms.from(instruction: "古井", memory: ""),
                                                 limit: 3)
        #expect(found.map(\.stepID) == [first.id])
        #expect(found.first?.pieces.first?.text == "张三丰把倚天剑藏在古井里。")
        #expect(try await store.searchBranch(endingAt: second.id, terms: SearchTerms.from(instruction: "小二", memory: ""),
                                             limit: 3).map(\.stepID) == [second.id])
        // A three-character name is found by its pairs.
        #expect(try await store.searchBranch(endingAt: second.id, terms: SearchTerms.from(instruction: "张三丰", memory: ""),
                                             limit: 3).map(\.stepID) == [first.id])
    }

    @Test(arguments: StoreKind.available)
    func accentsAndWordFormsMatchAsTheyDoInEitherStore(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "words", premise: testPremise)
        let first = try await store.commit(draft(world: world.id, parent: nil, passage: "Élise attendait au café près du phare."),
                                           expectedHead: nil)
        let second = try await store.commit(draft(world: world.id, parent: first, passage: "The keepers were hiding lanterns."),
                                            expectedHead: first.id)
        #expect(try await store.searchBranch(endingAt: second.id, terms: ["cafe"], limit: 3).map(\.stepID) == [first.id])
        #expect(try await store.searchBranch(endingAt: second.id, terms: ["elise"], limit: 3).map(\.stepID) == [first.id])
        #expect(try await store.searchBranch(endingAt: second.id, terms: ["lantern"], limit: 3).map(\.stepID) == [second.id])
        #expect(try await store.searchBranch(endingAt: second.id, terms: ["keeper"], limit: 3).map(\.stepID) == [second.id])
        // A quote or a backslash in a term is no syntax.
        #expect(try await store.searchBranch(endingAt: second.id, terms: ["it's", "\\", "'"], limit: 3).isEmpty)
    }
}
