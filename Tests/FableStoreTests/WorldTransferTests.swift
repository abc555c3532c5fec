import FableCore
import FableStore
import Foundation
import Testing

/// A world with everything an archive must carry: an owner, two openings (a retried first
/// step), a branch left by undo, revisions (a pin, a memory edit), traces, and a redo stack.
struct TransferFixture {
    let world: World
    /// The steps in the order they were committed.
    let steps: [Step]

    static func make(in store: SQLiteStore, owner: String? = "ann") async throws -> TransferFixture {
        var ownerID: Int64?
        if let owner { ownerID = try await store.createAccount(name: owner, passwordHash: "x").id }
        let premise = Premise(storyID: "lighthouse", title: "Gull Rock", genre: "mystery", body: "A keeper alone.",
                              canon: ["The lamp must never go out."], answers: ["name": "Ada"])
        let world = try await store.createWorld(label: "w", premise: premise, ownerID: ownerID)
        var steps: [Step] = []
        func add(_ parent: Step?, _ passage: String, kind: StepKind = .story, pins: [String] = [],
                 memory: String? = nil, trace: Bool = true) async throws -> Step {
            let head = try await store.world(id: world.id)?.headStepID
            if let parent, head != parent.id {
                _ = try await store.moveHead(worldID: world.id, to: parent.id)
            }
            let expected = try await store.world(id: world.id)?.headStepID
            let depth = (parent?.depth ?? 0) + (kind == .story ? 1 : 0)
            let content = StepContent(outline: parent == nil ? "Outline of \(passage)" : nil, passage: passage,
                                      memoryChange: "learned \(passage)", memory: memory ?? "memory after \(passage)",
                                      indexLine: "index \(passage)", options: ["go \(passage)", "stay", "sing"], pins: pins)
            let draft = StepDraft(
                worldID: world.id, parentID: parent?.id, depth: depth, instruction: parent == nil ? "" : "after \(passage)",
                content: content,
                telemetry: StepTelemetry(model: kind == .story ? "stub" : "revision", promptTokens: 100 + steps.count,
                                         completionTokens: 40, promptCharacters: 400, latencyMilliseconds: 1200,
                                         firstPassageMilliseconds: kind == .story ? 300 : nil, attempts: 1 + steps.count % 2),
                kind: kind,
                trace: trace && kind == .story
                    ? StepTrace(messages: [ChatMessage(.system, "You are a storyteller."), ChatMessage(.user, "Write \(passage).")],
                                reply: "{\"passage\":\"\(passage)\"}", temperature: 0.8, maxTokens: 2400)
                    : nil)
            let step = try await store.commit(draft, expectedHead: expected)
            steps.append(step)
            return step
        }
        _ = try await add(nil, "The keeper climbs the tower.")
        // The opening retried: a second opening, and the story goes on from it.
        let opening = try await add(nil, "Fog over Gull Rock at dusk.", trace: false)
        let s2 = try await add(opening, "A boat with no lights drifts closer.")
        let pinned = try await add(s2, "A boat with no lights drifts closer.", kind: .revision, pins: ["Ada fears the sea."])
        let s3 = try await add(pinned, "The lamp gutters; someone knocks.", pins: ["Ada fears the sea."])
        _ = try await add(s3, "A letter from the drowned captain.", pins: ["Ada fears the sea."])
        // Another branch from s3, with a hand-edited memory.
        let s4b = try await add(s3, "The knock was only the wind.", pins: ["Ada fears the sea."])
        let edited = try await add(s4b, "The knock was only the wind.", kind: .revision, pins: ["Ada fears the sea."],
                                   memory: "Ada is alone; the knock was the wind.")
        let s5 = try await add(edited, "Morning: the boat has run aground.", pins: ["Ada fears the sea."])
        _ = try await add(s5, "Footprints lead from the wreck to the tower.", pins: ["Ada fears the sea."])
        // Two undos leave a redo stack.
        _ = try await store.undo(worldID: world.id)
        let final = try await store.undo(worldID: world.id)
        #expect(final.redoStack.count == 2)
        return TransferFixture(world: try #require(try await store.world(id: world.id)), steps: steps)
    }
}

/// The archive with what an import may change (label, owner) set aside.
func comparable(_ archive: WorldArchive) -> WorldArchive {
    var archive = archive
    archive.label = ""
    archive.owner = nil
    return archive
}

@Suite struct WorldTransferTests {
    @Test func exportImportExportGivesTheSameWorld() async throws {
        let source = try SQLiteStore(path: temporaryDatabase())
        let fixture = try await TransferFixture.make(in: source)
        let exported = try await source.exportWorld(id: fixture.world.id)
        #expect(exported.format == "fable-world" && exported.version == 1)
        #expect(exported.owner == "ann" && exported.title == "Gull Rock" && exported.storyID == "lighthouse")
        #expect(exported.steps.count == fixture.steps.count)
        #expect(exported.steps.map(\.id) == Array(1...fixture.steps.count))
        #expect(exported.steps.filter { $0.trace != nil }.count == 7)
        #expect(exported.redoStack.count == 2)

        // Through the JSON text, into another database with another owner.
        let json = try exported.encoded()
        let target = try SQLiteStore(path: temporaryDatabase())
        let bob = try await target.createAccount(name: "bob", passwordHash: "x")
        _ = try await target.createWorld(label: "other", premise: testPremise, ownerID: bob.id)
        let imported = try await target.importWorld(try WorldArchive.decode(json), ownerID: bob.id, label: "import:test")
        #expect(imported.ownerID == bob.id && imported.label == "import:test")
        #expect(try await target.worlds(ownerID: bob.id).map(\.id).last == imported.id)
        let again = try await target.exportWorld(id: imported.id)
        #expect(again.owner == "bob" && again.label == "import:test")
        #expect(comparable(again) == comparable(exported))
        #expect(try comparable(again).encoded() == comparable(exported).encoded())

        // Field by field, everything a world is: passages, memory, options, pins, kinds, tree, head, redo.
        #expect(again.steps.map(\.content) == exported.steps.map(\.content))
        #expect(again.steps.map(\.kind) == exported.steps.map(\.kind))
        #expect(again.steps.map(\.parent) == exported.steps.map(\.parent))
        #expect(again.steps.map(\.trace) == exported.steps.map(\.trace))
        #expect(again.steps.map(\.createdAt) == exported.steps.map(\.createdAt))
        #expect(again.head == exported.head && again.redoStack == exported.redoStack)
        #expect(again.premise == fixture.world.premise)

        // The imported world works like one written here: openings, long-term search, undo and redo.
        let head = try #require(imported.headStepID)
        // (A revision is as deep as its parent, so compare the story steps of the path.)
        let path = try await target.path(to: head).filter { $0.kind == .story }
        let originalPath = try await source.path(to: try #require(fixture.world.headStepID)).filter { $0.kind == .story }
        #expect(path.map(\.content) == originalPath.map(\.content))
        #expect(try await target.opening(of: head).content.outline == "Outline of Fog over Gull Rock at dusk.")
        let ends = try await target.branchEnds(worldID: imported.id)
        #expect(ends.map(\.content.passage) == ["The keeper climbs the tower.", "A letter from the drowned captain.",
                                                "Footprints lead from the wreck to the tower."])
        #expect(try await target.opening(of: ends[0].id).id == ends[0].id, "the first opening is its own root")
        #expect(try await target.opening(of: ends[1].id).id == path[0].id)
        #expect(try await target.opening(of: ends[2].id).id == path[0].id)
        #expect(try await target.trace(stepID: head) == nil, "the head is a revision: no trace")
        #expect(try await target.trace(stepID: ends[2].id)?.reply == "{\"passage\":\"Footprints lead from the wreck to the tower.\"}")
        let found = try await target.searchBranch(endingAt: head, terms: ["boat"], limit: 10)
        #expect(found.map(\.passage) == ["A boat with no lights drifts closer."], "a revision is not indexed twice")
        #expect(try await target.searchBranch(endingAt: head, terms: ["letter"], limit: 10).isEmpty,
                "another branch stays out of the search")
        let redone = try await target.redo(worldID: imported.id)
        #expect(try await target.step(id: try #require(redone.headStepID))?.content.passage == "Morning: the boat has run aground.")
        #expect(try await target.integrityCheck() == "ok")
    }

    @Test func importingIntoTheSameDatabaseMakesAnIndependentCopy() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let fixture = try await TransferFixture.make(in: store, owner: nil)
        let exported = try await store.exportWorld(id: fixture.world.id)
        #expect(exported.owner == nil)
        let copy = try await store.importWorld(exported, ownerID: nil, label: "copy")
        #expect(copy.id != fixture.world.id)
        #expect(comparable(try await store.exportWorld(id: copy.id)) == comparable(exported))
        #expect(try await store.stepCount(worldID: copy.id) == fixture.steps.count)
        // Searching the copy finds the copy's steps, never the original's.
        let found = try await store.searchBranch(endingAt: try #require(copy.headStepID), terms: ["boat"], limit: 10)
        let copyStepIDs = Set(try await store.path(to: try #require(copy.headStepID)).map(\.id))
        #expect(!found.isEmpty && found.allSatisfy { copyStepIDs.contains($0.stepID) })
    }

    @Test func theJSONIsStableAndReadable() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let fixture = try await TransferFixture.make(in: store)
        let json = try await store.exportWorld(id: fixture.world.id).encoded()
        #expect(try await store.exportWorld(id: fixture.world.id).encoded() == json, "the same world, the same bytes")
        let text = try #require(String(data: json, encoding: .utf8))
        #expect(text.hasPrefix("{\n  \"createdAt\" : \""))
        #expect(text.contains("\"format\" : \"fable-world\""))
        #expect(text.contains("\"version\" : 1"))
        #expect(text.contains("\"kind\" : \"revision\""))
        #expect(text.contains("\"pins\" : [\n"))
        let date = try #require(text.firstMatch(of: /"createdAt" : "([^"]+)"/)?.1)
        #expect(date.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil, "ISO 8601 with milliseconds: \(date)")
        // Decoding and encoding again changes nothing.
        #expect(try WorldArchive.decode(json).encoded() == json)
    }

    @Test func aBrokenArchiveIsRefusedAndNothingIsWritten() async throws {
        let source = try SQLiteStore(path: temporaryDatabase())
        let fixture = try await TransferFixture.make(in: source)
        let good = try await source.exportWorld(id: fixture.world.id)
        let target = try SQLiteStore(path: temporaryDatabase())
        let before = try await target.importWorld(good, ownerID: nil, label: "before")

        var cases: [(WorldArchive, WorldArchiveError)] = []
        var archive = good
        archive.steps[3].parent = 99
        cases.append((archive, .missingParent(step: 4, parent: 99)))
        archive = good
        archive.steps[1].parent = 3  // 2 → 3 → 2
        cases.append((archive, .cycle(step: 2)))
        archive = good
        archive.steps[4].parent = 5
        cases.append((archive, .cycle(step: 5)))
        archive = good
        archive.steps[2].depth = 7
        cases.append((archive, .wrongDepth(step: 3, depth: 7, expected: 2)))
        archive = good
        archive.steps[3].depth += 1  // a revision is as deep as its parent
        cases.append((archive, .wrongDepth(step: 4, depth: 3, expected: 2)))
        archive = good
        archive.steps[0].kind = .revision
        cases.append((archive, .openingIsARevision(step: 1)))
        archive = good
        archive.steps[5].id = 5
        cases.append((archive, .duplicateStep(5)))
        archive = good
        archive.head = 42
        cases.append((archive, .missingHead(42)))
        archive = good
        archive.head = nil
        cases.append((archive, .noHead))
        archive = good
        archive.redoStack.append(77)
        cases.append((archive, .missingRedoStep(77)))
        archive = good
        archive.version = 2
        cases.append((archive, .unsupportedVersion(2)))

        for (broken, problem) in cases {
            await #expect(throws: problem) {
                try await target.importWorld(broken, ownerID: nil, label: "broken")
            }
        }
        #expect(WorldArchiveError.missingParent(step: 4, parent: 99).description
                == "step 4 names parent 99, which is not in the file")
        // A failure inside the transaction (an owner that does not exist) leaves nothing either.
        await #expect(throws: AccountError.noSuchAccount("#999")) {
            try await target.importWorld(good, ownerID: 999, label: "broken")
        }
        #expect(try await target.world(label: "broken") == nil)
        let after = try await target.importWorld(good, ownerID: nil, label: "after")
        #expect(after.id == before.id + 1, "no world was inserted in between")
        #expect(try await target.stepCount(worldID: before.id) == good.steps.count)
        #expect(try await target.stepCount(worldID: after.id) == good.steps.count)

        // An archive listed children first is fine: steps are inserted parents first.
        archive = good
        archive.steps.reverse()
        let reversed = try await target.importWorld(archive, ownerID: nil, label: "reversed")
        func key(_ step: WorldArchive.Step, in archive: WorldArchive) -> String {
            let parent = step.parent.flatMap { id in archive.steps.first { $0.id == id } }
            return "\(step.content.passage)|\(step.content.memory)|\(step.content.pins)|\(step.kind)|"
                + (parent.map { "\($0.content.passage)|\($0.kind)" } ?? "-")
        }
        let copied = try await target.exportWorld(id: reversed.id)
        #expect(copied.steps.map { key($0, in: copied) }.sorted() == good.steps.map { key($0, in: good) }.sorted())
    }

    @Test func aFileThatIsNotAnArchiveGetsAClearError() throws {
        #expect(throws: WorldArchiveError.notAnArchive("it is not a JSON object")) {
            try WorldArchive.decode(Data("[1, 2]".utf8))
        }
        #expect(throws: WorldArchiveError.notAnArchive("its format is \"fable-story\", not \"fable-world\"")) {
            try WorldArchive.decode(Data(#"{"format": "fable-story", "version": 1}"#.utf8))
        }
        #expect(throws: WorldArchiveError.unsupportedVersion(3)) {
            try WorldArchive.decode(Data(#"{"format": "fable-world", "version": 3}"#.utf8))
        }
        let archive = WorldArchive(label: "x", premise: testPremise, owner: nil, createdAt: Date(timeIntervalSince1970: 0),
                                   steps: [WorldArchive.Step(id: 1, parent: nil, kind: .story, depth: 1, instruction: "",
                                                             content: StepContent(passage: "p", memoryChange: "", memory: "m",
                                                                                  indexLine: "i", options: ["a", "b", "c"]),
                                                             telemetry: StepTelemetry(), createdAt: Date(timeIntervalSince1970: 0.25),
                                                             trace: nil)],
                                   head: 1, redoStack: [])
        let text = try #require(String(data: try archive.encoded(), encoding: .utf8))
        #expect(text.contains("\"createdAt\" : \"1970-01-01T00:00:00.250Z\""))
        let damaged = text.replacingOccurrences(of: "\"passage\" : \"p\",", with: "")
        #expect(throws: WorldArchiveError.malformed("steps[0].content.passage is missing")) {
            try WorldArchive.decode(Data(damaged.utf8))
        }
        #expect(try WorldArchive.decode(Data(text.utf8)) == archive)
    }

    @Test func aBackupWhileAWriterCommitsIsConsistentAndComplete() async throws {
        let path = temporaryDatabase()
        let store = try SQLiteStore(path: path)
        let world = try await store.createWorld(label: "busy", premise: testPremise)
        let counter = Counter()
        // The writer commits 40 steps, waits for the backup to start, then goes on until it
        // has ended (at most 400 steps: "passage" stays below the postings where the search
        // starts bounding itself). Whether a commit lands during the copy is up to the machine;
        // the copy must be a consistent snapshot either way.
        let writer = Task {
            var parent: Step?
            var n = 0
            while n < 400, await !counter.stopped {
                if n == 40 { while await !counter.backingUp { try await Task.sleep(for: .milliseconds(1)) } }
                n += 1
                parent = try await store.commit(draft(world: world.id, parent: parent, passage: "Passage \(n) " + String(repeating: "words ", count: 80)),
                                                expectedHead: parent?.id)
                await counter.set(n)
            }
            return n
        }
        while await counter.value < 40 { try await Task.sleep(for: .milliseconds(5)) }
        let committedBefore = await counter.value
        let copy = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("backup.sqlite").path
        await counter.startBackup()
        try await store.backup(to: copy)
        let committedAfter = await counter.value
        await counter.stop()
        let total = try await writer.value

        let attributes = try FileManager.default.attributesOfItem(atPath: copy)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let backup = try SQLiteStore(path: copy)
        #expect(try await backup.integrityCheck() == "ok")
        let count = try await backup.stepCount(worldID: world.id)
        #expect(count >= committedBefore && count <= total)
        // A consistent snapshot: the head is the last step, on a whole chain, and the index agrees.
        let saved = try #require(try await backup.world(id: world.id))
        let chain = try await backup.path(to: try #require(saved.headStepID))
        #expect(chain.count == count && chain.map(\.depth) == Array(1...count))
        #expect(try await backup.searchBranch(endingAt: chain[count - 1].id, terms: ["passage"], limit: 1000).count == count)
        print("backup: \(committedBefore) steps committed before it started, \(count) in the copy, \(committedAfter) when it ended")

        // Never over an existing file, which is left as it was (one no store has open).
        let existing = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent("keep.txt").path
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: existing))
        await #expect(throws: BackupError.fileExists(existing)) { try await store.backup(to: existing) }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "keep me")
        await #expect(throws: BackupError.fileExists(copy)) { try await store.backup(to: copy) }
        await #expect(throws: BackupError.self) { try await store.backup(to: "/nonexistent-folder/b.sqlite") }
    }
}

private actor Counter {
    var value = 0
    var stopped = false
    var backingUp = false
    func set(_ n: Int) { value = n }
    func startBackup() { backingUp = true }
    func stop() { stopped = true }
}
