import FableCore
@testable import FableStore
import FableStoreKit
import Foundation
import Testing

private let longPremise = Premise(storyID: "long", title: "Long", body: "A long story.")

/// A world written in one transaction (through `importWorld`): `steps` steps on one branch,
/// passage `n` from `passage(n)`; returns the world and the ids of its steps, opening first.
private func importBranch(_ store: any TestedStore, label: String, steps: Int, passage: (Int) -> String) async throws
    -> (world: World, ids: [Int64]) {
    let archived = (1...steps).map { n in
        WorldArchive.Step(id: n, parent: n == 1 ? nil : n - 1, kind: .story, depth: n, instruction: "go",
                          content: StepContent(outline: n == 1 ? "Outline." : nil, passage: passage(n),
                                               memoryChange: "c", memory: "m", indexLine: "step \(n)",
                                               options: ["a", "b", "c"]),
                          telemetry: StepTelemetry(model: "test"), createdAt: Date(), trace: nil)
    }
    let archive = WorldArchive(label: label, premise: longPremise, owner: nil, createdAt: Date(), steps: archived,
                               head: steps, redoStack: [])
    let world = try await store.importWorld(archive, ownerID: nil, label: label)
    let head = try #require(try await store.world(id: world.id)?.headStepID)
    return (world, try await store.path(to: head).map(\.id))
}

@Suite struct ScopedSearchTests {
    @Test(arguments: StoreKind.available)
    func aSearchReturnsOnlyTheBranchsStoryStepsWhateverItSearchedBefore(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        let world = try await store.createWorld(label: "w", premise: testPremise)
        let other = try await store.createWorld(label: "o", premise: testPremise)
        let root = try await store.commit(draft(world: world.id, parent: nil, passage: "The lantern is lit."), expectedHead: nil)
        let otherRoot = try await store.commit(draft(world: other.id, parent: nil, passage: "Another lantern."), expectedHead: nil)
        var a = root
        for n in 1...5 {
            a = try await store.commit(draft(world: world.id, parent: a, passage: "Lantern light, hour \(n)."), expectedHead: a.id)
        }
        // A memory revision repeats its parent's passage: never searched.
        let revision = try await store.commit(
            StepDraft(worldID: world.id, parentID: a.id, depth: a.depth + 1, instruction: "",
                      content: StepContent(passage: a.content.passage, memoryChange: "edit", memory: "m",
                                           indexLine: "lantern", options: ["a", "b", "c"]),
                      telemetry: StepTelemetry(model: "test"), kind: .revision),
            expectedHead: a.id)
        // The search remembers the first branch; the second must not see it.
        let first = try await store.searchBranch(endingAt: revision.id, terms: ["lantern"], limit: 20)
        #expect(first.count == 6)
        #expect(!first.contains { $0.stepID == revision.id })
        _ = try await store.moveHead(worldID: world.id, to: root.id)
        let b1 = try await store.commit(draft(world: world.id, parent: root, passage: "A lantern in the rain."), expectedHead: root.id)
        let b2 = try await store.commit(draft(world: world.id, parent: b1, passage: "Dark water."), expectedHead: b1.id)
        #expect(Set(try await store.searchBranch(endingAt: b2.id, terms: ["lantern"], limit: 20).map(\.stepID))
                == [root.id, b1.id])
        // Back on the first branch, halfway down.
        let path = try await store.path(to: a.id)
        #expect(Set(try await store.searchBranch(endingAt: path[2].id, terms: ["lantern"], limit: 20).map(\.stepID))
                == Set(path.prefix(3).map(\.id)))
        #expect(try await store.searchBranch(endingAt: otherRoot.id, terms: ["lantern"], limit: 20).map(\.stepID)
                == [otherRoot.id])
        #expect(try await store.searchBranch(endingAt: 999_999, terms: ["lantern"], limit: 20).isEmpty)
    }

    @Test func theBudgetSearchesRareWordsEverywhereCommonOnesRecentlyAndLeavesOutTheCommonest() {
        func terms(_ counts: [Int]) -> [TermBudget.Term] {
            counts.enumerated().map { TermBudget.Term(term: "w\($0.offset)", count: $0.element, order: $0.offset) }
        }
        let few = TermBudget.split(terms([100, 0, 400]))
        #expect(few.rare.map(\.term) == ["w0", "w2"] && few.filling.isEmpty)
        let many = TermBudget.split(terms([900, 5, 3_000, 300, 1_000]))
        #expect(many.rare.map(\.term) == ["w1", "w3"])
        #expect(many.filling.map(\.term) == ["w0", "w4"])
        #expect(!(many.rare + many.filling).contains { $0.term == "w2" })
    }

    @Test(arguments: StoreKind.available)
    func aLongWorldStillFindsTheRareWordFarBackAndOnlyItsBranch(_ kind: StoreKind) async throws {
        let store = try await makeStore(kind)
        // Enough passages that every common word holds more than the posting budget.
        let steps = TermBudget.commonPostings + 200
        let (_, ids) = try await importBranch(store, label: "long", steps: steps) { n in
            n == 4 ? "The brass astrolabe lies under the willow by the harbour." : "Fog over the harbour, bell \(n)."
        }
        // The same words in another world, written later: never returned.
        let (_, otherIDs) = try await importBranch(store, label: "other", steps: 30) { _ in
            "The brass astrolabe in the harbour fog."
        }
        // Early in the story the same words are rare enough to be searched, all of them; what
        // was counted there does not hide the rare word from the long branch afterwards.
        let early = try await store.searchBranch(endingAt: ids[9], terms: ["harbour", "fog", "astrolabe"], limit: 3)
        #expect(early.first?.stepID == ids[3])
        #expect(early.count == 3)
        #expect(early.allSatisfy { Set(ids.prefix(10)).contains($0.stepID) })
        let found = try await store.searchBranch(endingAt: ids[steps - 2], terms: ["harbour", "fog", "astrolabe"],
                                                 limit: 3)
        #expect(found.first?.stepID == ids[3])
        #expect(found.allSatisfy { Set(ids.prefix(steps - 1)).contains($0.stepID) })
        // A word in fewer passages is searched over the whole branch too.
        let few = try await store.searchBranch(endingAt: ids[steps - 2], terms: ["harbour", "12"], limit: 3)
        #expect(few.first?.stepID == ids[11])
        // Words in every passage weigh nothing and would cost the whole world: left out.
        #expect(try await store.searchBranch(endingAt: ids[steps - 2], terms: ["harbour", "fog", "bell"], limit: 3).isEmpty)
        let fromOther = try await store.searchBranch(endingAt: otherIDs.last!, terms: ["astrolabe"], limit: 50)
        #expect(Set(fromOther.map(\.stepID)) == Set(otherIDs))
    }

    @Test func theMigrationCarriesAVersion5FileIndexOver() async throws {
        let path = temporaryDatabase()
        let premise = String(decoding: try JSONEncoder().encode(testPremise), as: UTF8.self)
            .replacingOccurrences(of: "'", with: "''")
        func step(_ id: Int, world: Int, parent: Int?, kind: String, passage: String) -> String {
            """
            INSERT INTO step(id, world_id, parent_id, root_id, depth, instruction, passage, memory_change, memory,
                index_line, options, model, prompt_tokens, completion_tokens, prompt_characters, latency_ms,
                attempts, created_at, kind)
            VALUES (\(id), \(world), \(parent.map(String.init) ?? "NULL"), 1, \(id), 'go', '\(passage)', 'c', 'm',
                'index line', '["a","b","c"]', 'test', 0, 0, 0, 0, 1, '2026-01-01 00:00:00.000', '\(kind)');
            """
        }
        try SQLiteStore.makeFile(path: path, migratedUpTo: Schema.v5, sql: """
            INSERT INTO world(id, label, story_id, premise, head_step_id, redo_stack, created_at)
                VALUES (1, 'one', 'test', '\(premise)', 3, '[]', '2026-01-01 00:00:00.000'),
                       (2, 'two', 'test', '\(premise)', 4, '[]', '2026-01-01 00:00:00.000');
            \(step(1, world: 1, parent: nil, kind: "story", passage: "The silver key is hidden."))
            \(step(2, world: 1, parent: 1, kind: "story", passage: "Waves on the shore."))
            \(step(3, world: 1, parent: 2, kind: "revision", passage: "A silver key, revised."))
            \(step(4, world: 2, parent: nil, kind: "story", passage: "Another silver key."))
            """)
        let store = try SQLiteStore(path: path)
        #expect(try await store.integrityCheck() == "ok")
        #expect(try await store.searchBranch(endingAt: 3, terms: ["silver", "key"], limit: 5).map(\.stepID) == [1])
        #expect(try await store.searchBranch(endingAt: 3, terms: ["wave"], limit: 5).map(\.stepID) == [2])
        #expect(try await store.searchBranch(endingAt: 4, terms: ["silver"], limit: 5).map(\.stepID) == [4])
        // New steps are indexed by the new triggers, in their own world.
        let next = try await store.commit(draft(world: 1, parent: try await store.step(id: 2), passage: "A silver coin."),
                                          expectedHead: 3)
        #expect(Set(try await store.searchBranch(endingAt: next.id, terms: ["silver"], limit: 5).map(\.stepID)) == [1, next.id])
        #expect(try await store.searchBranch(endingAt: 4, terms: ["silver"], limit: 5).map(\.stepID) == [4])
    }
}

@Suite struct TermCountCacheTests {
    @Test func manyWorldsPlayingAtOnceCountEachTermOncePerWorld() async throws {
        // Forty worlds take turns, as readers on a server do: a world's consecutive steps are
        // forty ids apart. Its term counts are still reused from step to step.
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path)
        let terms = ["ember", "harbour", "lantern"]
        var heads: [Int64: Step?] = [:]
        var worlds: [Int64] = []
        for index in 0..<40 {
            let world = try await store.createWorld(label: "w\(index)", premise: testPremise)
            worlds.append(world.id)
            heads[world.id] = .some(nil)
        }
        var lastFound: [Int64: [Int64]] = [:]
        for round in 0..<5 {
            for worldID in worlds {
                let parent = heads[worldID]!
                let passage = "The \(terms[round % terms.count]) glows by the harbour, round \(round)."
                let step = try await store.commit(draft(world: worldID, parent: parent, passage: passage),
                                                  expectedHead: parent?.id)
                heads[worldID] = step
                lastFound[worldID] = try await store.searchBranch(endingAt: step.id, terms: terms, limit: 5).map(\.stepID)
            }
        }
        let measured = store.cache.frequenciesMeasured.load(ordering: .relaxed)
        #expect(measured <= worlds.count * terms.count, "\(measured) term counts for \(worlds.count * 5) searches")
        // The same searches on a cold cache find the same passages.
        let cold = try SQLiteStore(path: path)
        for worldID in worlds {
            let head = try #require(heads[worldID]!)
            #expect(try await cold.searchBranch(endingAt: head.id, terms: terms, limit: 5).map(\.stepID) == lastFound[worldID])
        }
    }
}
