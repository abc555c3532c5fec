import FableCore
import Foundation
import GRDB

/// A row of `world`. Read and written by hand, not through `Codable`: GRDB's record coders
/// cost more than the rest of a one-row read, and much of a commit.
struct WorldRecord {
    static let databaseTableName = "world"

    var id: Int64?
    var label: String
    var storyId: String
    /// JSON text.
    var premise: Premise
    var ownerId: Int64?
    var headStepId: Int64?
    /// JSON text: an array of step ids.
    var redoStack: [Int64]
    var createdAt: Date

    var world: World {
        World(id: id ?? 0, label: label, premise: premise, ownerID: ownerId, headStepID: headStepId,
              redoStack: redoStack, createdAt: createdAt)
    }
}

extension WorldRecord: FetchableRecord, MutablePersistableRecord {
    /// Premises decoded once per distinct text; the cap only bounds a server of many worlds.
    static let premises = DecodedJSON<Premise>(capacity: 1024)

    init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        label = try row.decode(forColumn: "label")
        storyId = try row.decode(forColumn: "story_id")
        premise = try Self.premises.decode(row, "premise")
        ownerId = try row.decode(forColumn: "owner_id")
        headStepId = try row.decode(forColumn: "head_step_id")
        redoStack = try JSONColumn.decode(row, "redo_stack")
        createdAt = try row.decode(forColumn: "created_at")
    }

    func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["label"] = label
        container["story_id"] = storyId
        container["premise"] = try JSONColumn.text(premise)
        container["owner_id"] = ownerId
        container["head_step_id"] = headStepId
        container["redo_stack"] = try JSONColumn.text(redoStack)
        container["created_at"] = createdAt
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
