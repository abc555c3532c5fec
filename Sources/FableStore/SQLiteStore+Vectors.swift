import FableCore
import Foundation
import GRDB

/// Dense long-term search: one vector per step in `step_vector`, compared by cosine in
/// Swift. A world's vectors are kept in memory between searches (`SearchCache`): a search
/// reads only the rows written since the last one, and this store's own writes update them.
extension SQLiteStore: VectorStore {
    public func storeVector(stepID: Int64, model: String, vector: [Float]) async throws {
        guard let unit = VectorMath.normalized(vector) else {
            throw VectorError.unusable("the vector of step \(stepID) is empty, zero or not finite")
        }
        let worldID = try await write { db in
            guard let worldID = try Int64.fetchOne(db, sql: "SELECT world_id FROM step WHERE id = ?", arguments: [stepID]) else {
                throw StoreError.noSuchStep(stepID)
            }
            try db.execute(sql: """
                INSERT INTO step_vector(step_id, model, dimensions, vector) VALUES (?, ?, ?, ?)
                ON CONFLICT(step_id) DO UPDATE SET
                    model = excluded.model, dimensions = excluded.dimensions, vector = excluded.vector
                """, arguments: [stepID, model, unit.count, VectorCoding.encode(unit)])
            return worldID
        }
        // What is stored is read back as the same Float32 values.
        cache.vectorStored(stepID: stepID, worldID: worldID, model: model, vector: unit)
    }

    public func denseSearchBranch(endingAt stepID: Int64, vector: [Float], model: String, limit: Int) async throws
        -> [RetrievedPassage] {
        guard limit > 0, let query = VectorMath.normalized(vector) else { return [] }
        return try await pool.read { db in
            guard let branch = try self.cache.branch(endingAt: stepID, db) else { return [] }
            // The world's vectors, kept in memory between searches (only new rows are read);
            // only the branch's are scored.
            let vectors = try self.cache.vectors(worldID: branch.worldID, model: model, dimensions: query.count, db)
            var best = TopHits(limit: limit)
            let dimensions = vectors.dimensions
            query.withUnsafeBufferPointer { query in
                vectors.values.withUnsafeBufferPointer { values in
                    for (index, id) in vectors.ids.enumerated() where id != 0 && id <= stepID && branch.contains(id) {
                        let vector = UnsafeBufferPointer(rebasing: values[index * dimensions ..< (index + 1) * dimensions])
                        if let cosine = VectorMath.dot(query, vector) { best.add(id: id, cosine: cosine) }
                    }
                }
            }
            return try Self.passages(db, best.hits.map { (id: $0.id, score: -Double($0.cosine)) })
        }
    }

    public func stepsMissingVectors(worldID: Int64, model: String, limit: Int) async throws -> [Step] {
        guard limit > 0 else { return [] }
        // Only the steps above the newest one below which every story step had a vector when
        // last looked at: a step's backfill query reads the few newest steps, not the world.
        let complete = cache.vectorsComplete(worldID: worldID, model: model)
        return try readHere { db in
            let missing = try StepRecord.fetchAll(db, sql: """
                SELECT step.* FROM step
                LEFT JOIN step_vector ON step_vector.step_id = step.id AND step_vector.model = ?
                WHERE step.world_id = ? AND step.id > ? AND step.kind = 'story' AND step_vector.step_id IS NULL
                ORDER BY step.id DESC LIMIT ?
                """, arguments: [model, worldID, complete, limit])
            if missing.count < limit {
                // Every step missing one above `complete` is in `missing`: below the oldest of
                // them (or up to the newest step, when none is missing) all have a vector.
                let covered: Int64? = if let oldest = missing.last?.id { oldest - 1 } else {
                    try Int64.fetchOne(db, sql: "SELECT max(id) FROM step WHERE world_id = ?", arguments: [worldID])
                }
                if let covered, covered > complete {
                    self.cache.setVectorsComplete(covered, worldID: worldID, model: model)
                }
            }
            return missing.map(\.step)
        }
    }
}

/// The best `limit` hits seen, best first; equal scores: the later (deeper) step first.
struct TopHits {
    let limit: Int
    private(set) var hits: [(id: Int64, cosine: Float)] = []

    init(limit: Int) {
        self.limit = limit
        hits.reserveCapacity(limit + 1)
    }

    private static func before(_ a: (id: Int64, cosine: Float), _ b: (id: Int64, cosine: Float)) -> Bool {
        a.cosine != b.cosine ? a.cosine > b.cosine : a.id > b.id
    }

    mutating func add(id: Int64, cosine: Float) {
        let hit = (id: id, cosine: cosine)
        if hits.count == limit, let last = hits.last, !Self.before(hit, last) { return }
        var index = hits.count
        while index > 0, Self.before(hit, hits[index - 1]) { index -= 1 }
        hits.insert(hit, at: index)
        if hits.count > limit { hits.removeLast() }
    }
}

// Checks that tests, benchmarks and admin tools use.
extension SQLiteStore {
    /// The stored vector of a step and the model that made it.
    public func vector(stepID: Int64) async throws -> (model: String, vector: [Float])? {
        try readHere { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT model, dimensions, vector FROM step_vector WHERE step_id = ?",
                                             arguments: [stepID]) else { return nil }
            let data: Data = row["vector"]
            let dimensions: Int = row["dimensions"]
            guard let vector = VectorCoding.decode(data), vector.count == dimensions else {
                throw VectorError.unusable("the stored vector of step \(stepID) is damaged")
            }
            return (row["model"], vector)
        }
    }

    /// How many steps of a world have a vector from `model`.
    public func vectorCount(worldID: Int64, model: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM step_vector JOIN step ON step.id = step_vector.step_id
                WHERE step.world_id = ? AND step_vector.model = ?
                """, arguments: [worldID, model]) ?? 0
        }
    }
}

public enum VectorError: Error, Sendable, Equatable, CustomStringConvertible {
    case unusable(String)

    public var description: String {
        switch self {
        case .unusable(let why): return why
        }
    }
}

/// Vectors on disk: little-endian Float32, nothing else.
enum VectorCoding {
    static func encode(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    static func decode(_ data: Data) -> [Float]? {
        guard data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { index in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
    }
}
