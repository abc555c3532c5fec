import FableCore
import FableStore
import FableStorePostgres
import Foundation
import Testing

/// `fable backup`, `fable export` and `fable import`, run as the real binary.
@Suite(.serialized, .timeLimit(.minutes(5))) struct TransferCommandTests {
    /// No language model is needed; any URL will do.
    let noModel = "http://127.0.0.1:9/v1"

    /// Two worlds of the reader "Ann" in `src.sqlite`; the second has branches, a pin and a redo stack.
    func makeSource(in folder: URL) async throws -> (store: SQLiteStore, world: World) {
        let store = try SQLiteStore(path: folder.appendingPathComponent("src.sqlite").path)
        let ann = try await store.createAccount(name: "Ann", passwordHash: "x")
        let first = try await store.createWorld(label: "first", premise: Premise(storyID: "other", title: "Other", body: "Other."),
                                                ownerID: ann.id)
        _ = try await store.commit(step(first.id, nil, "Another story entirely."), expectedHead: nil)
        let world = try await store.createWorld(
            label: "second", premise: Premise(storyID: "lighthouse", title: "The Last Keeper", body: "A keeper alone."),
            ownerID: ann.id)
        let s1 = try await store.commit(step(world.id, nil, "Fog over the rock."), expectedHead: nil)
        let s2 = try await store.commit(step(world.id, s1, "A boat drifts closer.", instruction: "Watch the sea"),
                                        expectedHead: s1.id)
        var pinned = step(world.id, s2, "A boat drifts closer.", kind: .revision)
        pinned.content.pins = ["The keeper fears the sea."]
        let revision = try await store.commit(pinned, expectedHead: s2.id)
        var next = step(world.id, revision, "Someone knocks.", instruction: "Open the door")
        next.content.pins = pinned.content.pins
        let s3 = try await store.commit(next, expectedHead: revision.id)
        _ = try await store.undo(worldID: world.id)
        var other = step(world.id, revision, "The lamp goes out.", instruction: "Light the lamp")
        other.content.pins = pinned.content.pins
        let s3b = try await store.commit(other, expectedHead: revision.id)
        _ = try await store.commit(step(world.id, s3b, "Darkness.", instruction: "Wait"), expectedHead: s3b.id)
        _ = try await store.undo(worldID: world.id)
        _ = s3
        return (store, try #require(try await store.world(id: world.id)))
    }

    func step(_ world: Int64, _ parent: Step?, _ passage: String, instruction: String = "", kind: StepKind = .story) -> StepDraft {
        StepDraft(worldID: world, parentID: parent?.id, depth: (parent?.depth ?? 0) + (kind == .story ? 1 : 0),
                  instruction: kind == .story ? instruction : "",
                  content: StepContent(outline: parent == nil ? "The outline." : nil, passage: passage,
                                       memoryChange: "noted: \(passage)", memory: "Memory after \(passage)",
                                       indexLine: "index: \(passage)", options: ["One", "Two", "Three"]),
                  telemetry: StepTelemetry(model: "stub", promptTokens: 900, completionTokens: 120), kind: kind,
                  trace: kind == .story ? StepTrace(messages: [ChatMessage(.user, "Write: \(passage)")], reply: "{}") : nil)
    }

    func run(_ arguments: [String], in folder: URL) async throws -> FableProcess.Result {
        try await FableProcess.run(arguments, in: folder, llmURL: noModel)
    }

    @Test func exportThenImportGivesTheSameWorld() async throws {
        let folder = temporaryFolder()
        let (source, world) = try await makeSource(in: folder)

        let json = try await run(["export", "ann", "--world", "2", "--format", "json", "--db", "src.sqlite"], in: folder)
        #expect(json.status == 0, "\(json.err)")
        #expect(json.out == String(decoding: try await source.exportWorld(id: world.id).encoded(), as: UTF8.self))
        let archive = try WorldArchive.decode(Data(json.out.utf8))
        #expect(archive.owner == "Ann" && archive.steps.count == 6 && archive.redoStack.count == 1)
        try json.out.write(to: folder.appendingPathComponent("world.json"), atomically: true, encoding: .utf8)

        // Into a new database where Ann has an account: she owns it, as her world 1.
        let target = try SQLiteStore(path: folder.appendingPathComponent("dst.sqlite").path)
        _ = try await target.createAccount(name: "ann", passwordHash: "x")
        let imported = try await run(["import", "world.json", "--db", "dst.sqlite"], in: folder)
        #expect(imported.status == 0, "\(imported.err)")
        #expect(imported.out == "imported \"The Last Keeper\" (6 steps) as world 1 of ann\n")
        let again = try await run(["export", "ann", "--world", "1", "--format", "json", "--db", "dst.sqlite",
                                   "--out", "again.json"], in: folder)
        #expect(again.status == 0 && again.out.isEmpty, "\(again.err)")
        let againPath = folder.appendingPathComponent("again.json").path
        #expect((try FileManager.default.attributesOfItem(atPath: againPath)[.posixPermissions] as? Int) == 0o600)
        var reimported = try WorldArchive.decode(try Data(contentsOf: URL(fileURLWithPath: againPath)))
        #expect(reimported.label == "import:" + folder.appendingPathComponent("world.json").standardizedFileURL.path)
        #expect(reimported.owner == "ann")
        reimported.label = archive.label
        reimported.owner = archive.owner
        #expect(reimported == archive, "same passages, memory, options, pins, kinds, tree, head and redo stack")
        #expect(try reimported.encoded() == archive.encoded())

        // --player chooses the owner; without an account of that name, nobody owns it.
        _ = try await target.createAccount(name: "bob", passwordHash: "x")
        let forBob = try await run(["import", "world.json", "--player", "BOB", "--db", "dst.sqlite"], in: folder)
        #expect(forBob.out == "imported \"The Last Keeper\" (6 steps) as world 1 of bob\n", "\(forBob.err)")
        let orphan = try await run(["import", "world.json", "--db", "fresh.sqlite"], in: folder)
        #expect(orphan.status == 0, "\(orphan.err)")
        #expect(orphan.out.contains("owned by no reader (there is no reader called Ann here; give --player NAME)"))
        let nobody = try await run(["import", "world.json", "--player", "carol", "--db", "dst.sqlite"], in: folder)
        #expect(nobody.status == 1 && nobody.err == "fable import: there is no reader called carol\n")
    }

    @Test func markdownHoldsTheReadersBranchOnce() async throws {
        let folder = temporaryFolder()
        let (_, _) = try await makeSource(in: folder)
        let result = try await run(["export", "Ann", "--world", "2", "--db", "src.sqlite"], in: folder)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out == """
            # The Last Keeper

            Fog over the rock.

            > Watch the sea

            A boat drifts closer.

            > Light the lamp

            The lamp goes out.


            """)
        let first = try await run(["export", "ann", "--world", "1", "--format", "md", "--db", "src.sqlite"], in: folder)
        #expect(first.out == "# Other\n\nAnother story entirely.\n\n")
    }

    @Test func badRequestsFailClearlyAndChangeNothing() async throws {
        let folder = temporaryFolder()
        let (source, world) = try await makeSource(in: folder)
        let outOfRange = try await run(["export", "ann", "--world", "3", "--db", "src.sqlite"], in: folder)
        #expect(outOfRange.status == 1 && outOfRange.err == "fable export: Ann has 2 worlds: the world number is 1 to 2\n")
        let stranger = try await run(["export", "zed", "--world", "1", "--db", "src.sqlite"], in: folder)
        #expect(stranger.status == 1 && stranger.err == "fable export: there is no reader called zed\n")
        let noDatabase = try await run(["export", "ann", "--world", "1", "--db", "missing.sqlite"], in: folder)
        #expect(noDatabase.status == 1 && noDatabase.err.contains("there is no database at missing.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("missing.sqlite").path))

        var archive = try await source.exportWorld(id: world.id)
        archive.steps[2].parent = 40
        try archive.encoded().write(to: folder.appendingPathComponent("broken.json"))
        let broken = try await run(["import", "broken.json", "--db", "src.sqlite"], in: folder)
        #expect(broken.status == 1)
        #expect(broken.err == "fable import: step 3 names parent 40, which is not in the file\n")
        try Data("{\"format\": \"something\"}".utf8).write(to: folder.appendingPathComponent("other.json"))
        let other = try await run(["import", "other.json", "--db", "src.sqlite"], in: folder)
        #expect(other.err == "fable import: this is not a Fable world export: its format is \"something\", not \"fable-world\"\n")
        let missing = try await run(["import", "nothing.json", "--db", "src.sqlite"], in: folder)
        #expect(missing.status == 1 && missing.err == "fable import: there is no file nothing.json\n")
        #expect(try await source.worlds(ownerID: world.ownerID ?? 0).count == 2)
        #expect(try await source.world(id: world.id + 1) == nil, "no world was imported")
    }

    @Test func backupCopiesTheLiveDatabase() async throws {
        let folder = temporaryFolder()
        let (source, world) = try await makeSource(in: folder)
        let result = try await run(["backup", "copy.sqlite", "--db", "src.sqlite"], in: folder)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.hasPrefix("backed up src.sqlite to copy.sqlite: "))
        let path = folder.appendingPathComponent("copy.sqlite").path
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        let copy = try SQLiteStore(path: path)
        #expect(try await copy.integrityCheck() == "ok")
        #expect(try await copy.exportWorld(id: world.id) == source.exportWorld(id: world.id))
        #expect(try await copy.account(name: "ann")?.name == "Ann")

        // The config file names the database too; an existing file is never overwritten.
        try "db: src.sqlite\n".write(to: folder.appendingPathComponent("fable.yaml"), atomically: true, encoding: .utf8)
        let again = try await run(["backup", "copy.sqlite"], in: folder)
        #expect(again.status == 1)
        #expect(again.err == "fable backup: copy.sqlite exists already; a backup never overwrites a file\n")
    }

    /// `fable migrate-store` into a new SQLite file, and (when the tests have a PostgreSQL
    /// server) through PostgreSQL and back: every world reads back the same.
    @Test func migrateStoreCopiesEveryWorldAndRefusesATargetThatHoldsOne() async throws {
        let folder = temporaryFolder()
        let (source, _) = try await makeSource(in: folder)
        var route = ["copy.sqlite"]
        if let server = ProcessInfo.processInfo.environment["FABLE_TEST_POSTGRES_URL"], !server.isEmpty,
           let url = URL(string: server) {
            let name = "fable_migrate_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            let location = try #require(try PostgresLocation.parse(server))
            try await PostgresStore.createDatabase(name, at: location)
            route = [url.deletingLastPathComponent().appendingPathComponent(name).absoluteString, "back.sqlite"]
        }
        var from = "src.sqlite"
        for target in route {
            let copied = try await run(["migrate-store", "--from", from, "--to", target], in: folder)
            #expect(copied.status == 0, "\(copied.err)")
            #expect(copied.out.contains("copied 1 accounts, 2 worlds, 7 steps"), "\(copied.out)")
            from = target
        }
        let back = try SQLiteStore(path: folder.appendingPathComponent(route.last!).path)
        for id: Int64 in [1, 2] {
            #expect(try await back.exportWorld(id: id) == (try await source.exportWorld(id: id)))
        }
        let again = try await run(["migrate-store", "--from", "src.sqlite", "--to", route.last!], in: folder)
        #expect(again.status != 0)
        #expect(again.err.contains("migrate-store copies into an empty database"), "\(again.err)")
    }
}
