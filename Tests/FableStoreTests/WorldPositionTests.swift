import FableCore
import FableStore
import Foundation
import Testing

/// A memory revision of `parent`, as `Storyteller.revise` records it: same passage, same depth.
private func revision(of parent: Step, memory: String) -> StepDraft {
    var content = parent.content
    content.memory = memory
    content.memoryChange = "The memory was edited by hand."
    return StepDraft(worldID: parent.worldID, parentID: parent.id, depth: parent.depth, instruction: "",
                     content: content, telemetry: StepTelemetry(model: "revision"), kind: .revision)
}

/// On every store: the one-read position must equal the one composed of the separate reads, whatever the
/// shape of the world; each test also checks the parts against the steps it wrote.
@Suite struct WorldPositionTests {
    /// Both ways of reading the position; they must agree. (The parts are compared with the
    /// steps a test wrote by id: a step read back has its time rounded to the millisecond.)
    func position(_ store: any TestedStore, _ worldID: Int64) async throws -> WorldPosition {
        let oneRead = try await store.position(worldID: worldID)
        let separate = try await store.positionBySeparateReads(worldID: worldID)
        #expect(oneRead == separate)
        return oneRead
    }

    @Test(arguments: StoreKind.available) func aWorldWithoutStepsHasOnlyItself(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let found = try await position(store, world.id)
        #expect(found.world.id == world.id && found.world.premise == world.premise && found.world.headStepID == nil)
        #expect(found.head == nil && found.opening == nil && found.searchStart == nil)
    }

    @Test(arguments: StoreKind.available) func anUnknownWorldIsRefusedAlike(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let missing = world.id + 1
        await #expect(throws: StoreError.noSuchWorld(missing)) { try await store.position(worldID: missing) }
        await #expect(throws: StoreError.noSuchWorld(missing)) { try await store.positionBySeparateReads(worldID: missing) }
    }

    @Test(arguments: StoreKind.available) func anOpeningIsItsOwnOpeningWithNothingAbove(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let opening = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        let found = try await position(store, world.id)
        #expect(found.world.headStepID == opening.id)
        #expect(found.head?.id == opening.id)
        #expect(found.opening?.id == opening.id)
        #expect(found.searchStart == nil)
    }

    @Test(arguments: StoreKind.available) func aLongBranchSearchesAboveItsHead(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        // Another world's steps in between, so ids of the two interleave.
        let other = try await store.createWorld(label: "o", premise: testPremise)
        var otherHead = try await store.commit(draft(world: other.id, parent: nil, passage: "Elsewhere"), expectedHead: nil)
        let opening = try await store.commit(draft(world: world.id, parent: nil, passage: "Step 1"), expectedHead: nil)
        var steps = [opening]
        for n in 2...40 {
            steps.append(try await store.commit(draft(world: world.id, parent: steps.last, passage: "Step \(n)"),
                                                expectedHead: steps.last?.id))
            otherHead = try await store.commit(draft(world: other.id, parent: otherHead, passage: "Elsewhere \(n)"),
                                               expectedHead: otherHead.id)
        }
        let found = try await position(store, world.id)
        #expect(found.head?.id == steps.last?.id)
        #expect(found.opening?.id == opening.id)
        #expect(found.opening?.content.outline == "The outline.")
        #expect(found.searchStart == steps[steps.count - 2].id)
        let elsewhere = try await position(store, other.id)
        #expect(elsewhere.head?.id == otherHead.id)
        #expect(elsewhere.opening?.id != opening.id && elsewhere.opening?.worldID == other.id)
    }

    @Test(arguments: StoreKind.available) func aRevisionOfARevisionSearchesAboveTheStoryStepItRepeats(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let s1 = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        let s2 = try await store.commit(draft(world: world.id, parent: s1, passage: "Two"), expectedHead: s1.id)
        let r1 = try await store.commit(revision(of: s2, memory: "first edit"), expectedHead: s2.id)
        let r2 = try await store.commit(revision(of: r1, memory: "second edit"), expectedHead: r1.id)
        let found = try await position(store, world.id)
        #expect(found.head?.id == r2.id)
        #expect(found.opening?.id == s1.id)
        #expect(found.searchStart == s1.id, "both revisions repeat s2's passage, which is in the prompt")
    }

    @Test(arguments: StoreKind.available) func aRevisionOfTheOpeningHasNothingAbove(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let s1 = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        let r1 = try await store.commit(revision(of: s1, memory: "edit"), expectedHead: s1.id)
        let found = try await position(store, world.id)
        #expect(found.head?.id == r1.id)
        #expect(found.opening?.id == s1.id)
        #expect(found.searchStart == nil)
    }

    @Test(arguments: StoreKind.available) func undoAndRedoMoveThePosition(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let s1 = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        let s2 = try await store.commit(draft(world: world.id, parent: s1, passage: "Two"), expectedHead: s1.id)
        let s3 = try await store.commit(draft(world: world.id, parent: s2, passage: "Three"), expectedHead: s2.id)
        let r1 = try await store.commit(revision(of: s3, memory: "edit"), expectedHead: s3.id)
        _ = try await store.undo(worldID: world.id)
        var found = try await position(store, world.id)
        #expect(found.head?.id == s3.id && found.searchStart == s2.id)
        #expect(found.world.redoStack == [r1.id])
        _ = try await store.undo(worldID: world.id)
        found = try await position(store, world.id)
        #expect(found.head?.id == s2.id && found.searchStart == s1.id && found.opening?.id == s1.id)
        _ = try await store.redo(worldID: world.id)
        _ = try await store.redo(worldID: world.id)
        found = try await position(store, world.id)
        #expect(found.head?.id == r1.id && found.searchStart == s2.id)
    }

    @Test(arguments: StoreKind.available) func aSecondBranchHasItsOwnHeadAndTheSameOpening(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let s1 = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        let a2 = try await store.commit(draft(world: world.id, parent: s1, passage: "A two"), expectedHead: s1.id)
        let a3 = try await store.commit(draft(world: world.id, parent: a2, passage: "A three"), expectedHead: a2.id)
        // Back to the opening (`goto`), then a second branch with a revision in its middle.
        _ = try await store.moveHead(worldID: world.id, to: s1.id)
        let b2 = try await store.commit(draft(world: world.id, parent: s1, passage: "B two"), expectedHead: s1.id)
        let rb = try await store.commit(revision(of: b2, memory: "edit"), expectedHead: b2.id)
        let b3 = try await store.commit(draft(world: world.id, parent: rb, passage: "B three"), expectedHead: rb.id)
        var found = try await position(store, world.id)
        #expect(found.head?.id == b3.id)
        #expect(found.opening?.id == s1.id)
        #expect(found.searchStart == rb.id, "a story step's search starts at its parent, even a revision")
        // The first branch, reached again, is as it was.
        _ = try await store.moveHead(worldID: world.id, to: a3.id)
        found = try await position(store, world.id)
        #expect(found.head?.id == a3.id && found.opening?.id == s1.id && found.searchStart == a2.id)
        #expect(found.world.redoStack.isEmpty)
    }

    @Test(arguments: StoreKind.available) func aSecondOpeningStartsABranchWithItsOwnOpening(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let first = try await store.commit(draft(world: world.id, parent: nil, passage: "One"), expectedHead: nil)
        _ = try await store.commit(draft(world: world.id, parent: first, passage: "Two"), expectedHead: first.id)
        // A retried opening is a second root of the same world.
        let second = try await store.commit(draft(world: world.id, parent: nil, passage: "Another one"),
                                            expectedHead: try await store.world(id: world.id)?.headStepID)
        let next = try await store.commit(draft(world: world.id, parent: second, passage: "Another two"),
                                          expectedHead: second.id)
        let found = try await position(store, world.id)
        #expect(found.head?.id == next.id)
        #expect(found.opening?.id == second.id)
        #expect(found.searchStart == second.id)
    }

    /// Openings are kept per store: files whose steps have the same ids never see each
    /// other's, nor does a new store that may take the place of one that is gone.
    @Test(arguments: StoreKind.available) func eachStoreKeepsItsOwnOpenings(_ kind: StoreKind) async throws {
        func storeWithOpening(_ passage: String) async throws -> (any TestedStore, Int64) {
            let store = try await makeStore(kind)
            let world = try await store.createWorld(label: "w", premise: testPremise)
            let opening = try await store.commit(draft(world: world.id, parent: nil, passage: passage), expectedHead: nil)
            _ = try await store.commit(draft(world: world.id, parent: opening, passage: "Next"), expectedHead: opening.id)
            return (store, world.id)
        }
        let (first, firstWorld) = try await storeWithOpening("First file")
        let (second, secondWorld) = try await storeWithOpening("Second file")
        #expect(firstWorld == secondWorld, "the same ids in both files")
        for _ in 0..<2 {
            #expect(try await position(first, firstWorld).opening?.content.passage == "First file")
            #expect(try await position(second, secondWorld).opening?.content.passage == "Second file")
        }
        for round in 0..<5 {
            let (store, world) = try await storeWithOpening("Round \(round)")
            #expect(try await position(store, world).opening?.content.passage == "Round \(round)")
        }
    }
}
