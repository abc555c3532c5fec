import FableCore
@testable import FableStore
import Foundation
import GRDB
import Testing

/// Worlds and steps are read and written by hand (not through GRDB's `Codable` support); the
/// columns must keep the format those coders used, so files written before still read.
@Suite struct RecordFormatTests {
    /// Column values as GRDB's `Codable` records wrote them (taken from a file they wrote).
    static let oldWorld = """
        INSERT INTO world(id, label, story_id, premise, owner_id, head_step_id, redo_stack, created_at)
        VALUES (1, 'old', 'test', '{"answers":{},"body":"A harbour town.","canon":["The bell is cracked."],"genre":"fantasy","language":"en","lore":[],"mode":"adventure","rating":"everyone","storyID":"test","style":"","title":"Saltmere"}',
                NULL, 2, '[7,9]', '2026-11-28 12:52:14.261');
        INSERT INTO step(id, world_id, parent_id, root_id, depth, instruction, outline, passage, memory_change, memory,
            index_line, options, model, prompt_tokens, completion_tokens, prompt_characters, latency_ms, first_passage_ms,
            attempts, created_at, kind, pins)
        VALUES (1, 1, NULL, 1, 1, 'begin', 'The plan.', 'Fog «on» the quay.', 'c', 'm', 'fog', '["Walk to the quay.","Rest."]',
                'model-a', 10, 5, 300, 1200, 400, 1, '2026-11-28 12:52:14.263', 'story', '[]'),
               (2, 1, 1, 1, 2, 'go', NULL, 'The bell rings.', 'c', 'm', 'bell', '[]',
                'model-a', 11, 6, 310, 1300, NULL, 2, '2026-11-28 12:52:15.000', 'revision', '["The bell is cracked."]');
        """

    @Test func rowsWrittenByTheOldCodersReadBack() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        try await store.pool.write { try $0.execute(sql: Self.oldWorld) }
        let world = try #require(try await store.world(id: 1))
        #expect(world.premise.title == "Saltmere")
        #expect(world.premise.canon == ["The bell is cracked."])
        #expect(world.redoStack == [7, 9])
        #expect(world.headStepID == 2)
        #expect(world.ownerID == nil)
        #expect(abs(world.createdAt.timeIntervalSince1970 - 1_795_870_334.261) < 0.001)
        let opening = try #require(try await store.step(id: 1))
        #expect(opening.content.outline == "The plan.")
        #expect(opening.content.passage == "Fog «on» the quay.")
        #expect(opening.content.options == ["Walk to the quay.", "Rest."])
        #expect(opening.telemetry.firstPassageMilliseconds == 400)
        #expect(opening.kind == .story)
        let revision = try #require(try await store.step(id: 2))
        #expect(revision.kind == .revision)
        #expect(revision.content.outline == nil)
        #expect(revision.content.pins == ["The bell is cracked."])
        #expect(revision.telemetry.firstPassageMilliseconds == nil)
        #expect(revision.telemetry.attempts == 2)
    }

    @Test func aCommitWritesTheOldFormat() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "new", premise: testPremise)
        var first = draft(world: world.id, parent: nil, passage: "One \"quoted\" / slashed")
        first.content.pins = ["A pin."]
        first.trace = StepTrace(messages: [ChatMessage(.system, "S"), ChatMessage(.user, "U")], reply: "{}",
                                temperature: 0.5, maxTokens: 100)
        let step = try await store.commit(first, expectedHead: nil)
        let fetched = try store.pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT step.options, typeof(step.options) AS options_type, step.pins, step.kind, step.created_at,
                       step.root_id, world.redo_stack, world.premise, world.created_at AS world_created,
                       step_trace.messages, step_trace.parameters
                FROM step JOIN world ON world.id = step.world_id JOIN step_trace ON step_trace.step_id = step.id
                WHERE step.id = ?
                """, arguments: [step.id])
        }
        let row = try #require(fetched)
        #expect(row["options"] as String == #"["a","b","c"]"#)
        #expect(row["options_type"] as String == "text")
        #expect(row["pins"] as String == #"["A pin."]"#)
        #expect(row["kind"] as String == "story")
        #expect(row["root_id"] as Int64 == step.id)
        #expect(row["redo_stack"] as String == "[]")
        let timestamp = try Regex(#"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$"#)
        #expect((row["created_at"] as String).wholeMatch(of: timestamp) != nil)
        #expect((row["world_created"] as String).wholeMatch(of: timestamp) != nil)
        // Keys sorted, as GRDB's encoder wrote them.
        let premise: String = row["premise"]
        #expect(premise.hasPrefix(#"{"answers":{},"body":"A test premise.","canon":[]"#))
        #expect(row["parameters"] as String == #"{"maxTokens":100,"temperature":0.5}"#)
        #expect(row["messages"] as String == #"[{"content":"S","role":"system"},{"content":"U","role":"user"}]"#)
        #expect(try await store.trace(stepID: step.id) == first.trace)
        let read = try #require(try await store.step(id: step.id))
        #expect(read.content == step.content)
        #expect(read.telemetry == step.telemetry)
        #expect(read.kind == step.kind)
    }

    /// SQLite writes the JSON columns and the date (`SQLValues`): every string comes back as it
    /// went in, whatever it holds, and absent parameters are left out as `JSONEncoder` did.
    /// (Checked to fail when a NUL went to SQLite's JSON functions: the string was cut there.)
    @Test(arguments: [0, 1, 3])
    func stringsOfAnyKindComeBackAsWritten(messageCount: Int) async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "tricky", premise: testPremise)
        // With three messages, strings that hold a NUL, where SQLite's text functions would stop
        // (these are encoded in Swift).
        let control = messageCount == 3 ? "tab\tnew\nline\r\u{0}nul \u{1F}" : "tab\tnew\nline\r \u{1F}"
        let tricky = ["quote \" and \\ backslash / slash", control, "é e\u{301} 👩‍👩‍👧 «»", "", "\u{10FFFF} [\"not\", \"an array\"]"]
        var first = draft(world: world.id, parent: nil, passage: "p")
        first.content.options = Array(tricky.prefix(3))
        first.content.pins = tricky
        let messages = (0..<messageCount).map { ChatMessage($0 == 0 ? .system : .user, tricky[$0 % tricky.count]) }
        first.trace = StepTrace(messages: messages, reply: tricky[0], temperature: messageCount == 1 ? nil : 0.7000000000000001,
                                maxTokens: messageCount == 3 ? 4_096 : nil)
        let step = try await store.commit(first, expectedHead: nil)
        let read = try #require(try await store.step(id: step.id))
        #expect(read.content.options == first.content.options)
        #expect(read.content.pins == tricky)
        #expect(try await store.trace(stepID: step.id) == first.trace)
        #expect(abs(read.createdAt.timeIntervalSince(step.createdAt)) < 0.002)
        let parameters = try await store.pool.read { db in
            try String.fetchOne(db, sql: "SELECT parameters FROM step_trace WHERE step_id = ?", arguments: [step.id])
        }
        let expected = switch messageCount {
        case 1: "{}"
        case 3: #"{"maxTokens":4096,"temperature":0.7000000000000001}"#
        default: #"{"temperature":0.7000000000000001}"#
        }
        #expect(parameters == expected)
    }

    @Test func aTemperatureThatIsNotJSONFailsTheCommitAndWritesNothing() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "nan", premise: testPremise)
        var first = draft(world: world.id, parent: nil, passage: "p")
        first.trace = StepTrace(messages: [ChatMessage(.user, "U")], reply: "{}", temperature: .infinity, maxTokens: nil)
        await #expect(throws: (any Error).self) { try await store.commit(first, expectedHead: nil) }
        #expect(try await store.stepCount(worldID: world.id) == 0)
        #expect(try await store.world(id: world.id)?.headStepID == nil)
    }

    /// An empty array is read without the decoder; anything else, and an empty array where
    /// none belongs, still goes through it.
    @Test func emptyArraysReadAsTheirType() throws {
        let empty = Data("[]".utf8)
        #expect(try JSONColumn.decode(empty, "pins") as [String] == [])
        #expect(try JSONColumn.decode(empty, "redo_stack") as [Int64] == [])
        #expect(try JSONColumn.decode(Data(" [ ] ".utf8), "pins") as [String] == [])
        #expect(try JSONColumn.decode(Data(#"["a"]"#.utf8), "pins") as [String] == ["a"])
        #expect(throws: DecodingError.self) { try JSONColumn.decode(empty, "premise") as Premise }
        #expect(throws: DecodingError.self) { try JSONColumn.decode(Data("[}".utf8), "pins") as [String] }
    }

    @Test func anEditedPremiseIsReadAfresh() async throws {
        // Premises are decoded once per distinct text (WorldRecord.premises): an edit changes
        // the text, so the next read sees it.
        let store = try SQLiteStore(path: temporaryDatabase())
        let world = try await store.createWorld(label: "edited", premise: testPremise)
        #expect(try await store.world(id: world.id)?.premise.title == "Test")
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE world SET premise = replace(premise, '\"title\":\"Test\"', '\"title\":\"Edited\"')")
        }
        #expect(try await store.world(id: world.id)?.premise.title == "Edited")
        #expect(try await store.position(worldID: world.id).world.premise.title == "Edited")
    }

    @Test func aDamagedRowIsAnErrorNotACrash() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        try await store.pool.write { try $0.execute(sql: Self.oldWorld + """
            UPDATE step SET kind = 'dream' WHERE id = 1;
            UPDATE step SET options = '["unclosed' WHERE id = 2;
            UPDATE world SET premise = '{"title":' WHERE id = 1;
            """) }
        await #expect(throws: (any Error).self) { try await store.step(id: 1) }
        await #expect(throws: (any Error).self) { try await store.step(id: 2) }
        await #expect(throws: (any Error).self) { try await store.world(id: 1) }
    }
}
