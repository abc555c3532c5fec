import FableCore
import Foundation
import GRDB

/// Dense long-term search: one vector per step in `step_vector`, compared by cosine in
/// Swift (a branch of a few thousand 384-dimension vectors is a few megabytes to scan).
extension SQLiteStore: VectorStore {
    public func storeVector(stepID: Int64, model: String, vector: [Float]) async throws {
        guard let unit = VectorMath.normalized(vector) else {
            throw VectorError.unusable("the vector of step \(stepID) is empty, zero or not finite")
        }
        try await pool.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM step WHERE id = ?", arguments: [stepID]) == true else {
                throw StoreError.noSuchStep(stepID)
            }
            try db.execute(sql: """
                INSERT INTO step_vector(step_id, model, dimensions, vector) VALUES (?, ?, ?, ?)
                ON CONFLICT(step_id) DO UPDATE SET
                    model = excluded.model, dimensions = excluded.dimensions, vector = excluded.vector
                """, arguments: [stepID, model, unit.count, VectorCoding.encode(unit)])
        }
    }

    public func denseSearchBranch(endingAt stepID: Int64, vector: [Float], model: String, limit: Int) async throws
        -> [RetrievedPassage] {
        guard limit > 0, let query = VectorMath.normalized(vector) else { return [] }
        return try await pool.read { db in
            var best: [(id: Int64, cosine: Float)] = []
            let rows = try Row.fetchCursor(db, sql: """
                WITH RECURSIVE ancestor(id) AS (
                    SELECT :step
                    UNION ALL
                    SELECT step.parent_id FROM step JOIN ancestor ON step.id = ancestor.id
                    WHERE step.parent_id IS NOT NULL)
                SELECT step_vector.step_id, step_vector.vector
                FROM step_vector JOIN ancestor ON step_vector.step_id = ancestor.id
                WHERE step_vector.model = :model AND step_vector.dimensions = :dimensions
                """, arguments: ["step": stepID, "model": model, "dimensions": query.count])
            while let row = try rows.next() {
                let data: Data = row["vector"]
                guard let cosine = VectorCoding.dot(query, data) else { continue }
                best.append((row["step_id"], cosine))
            }
            // Best first; equal scores: the later (deeper) step first, for a stable order.
            best.sort { $0.cosine != $1.cosine ? $0.cosine > $1.cosine : $0.id > $1.id }
            let top = best.prefix(limit)
            guard !top.isEmpty else { return [] }
            let placeholders = top.map { _ in "?" }.joined(separator: ",")
            var passages: [Int64: RetrievedPassage] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT id, depth, index_line, passage FROM step WHERE id IN (\(placeholders))
                """, arguments: StatementArguments(top.map(\.id))) {
                let id: Int64 = row["id"]
                passages[id] = RetrievedPassage(stepID: id, depth: row["depth"], indexLine: row["index_line"],
                                                passage: row["passage"], score: 0)
            }
            return top.compactMap { hit in
                guard var passage = passages[hit.id] else { return nil }
                passage.score = -Double(hit.cosine)
                return passage
            }
        }
    }

    public func stepsMissingVectors(worldID: Int64, model: String, limit: Int) async throws -> [Step] {
        guard limit > 0 else { return [] }
        return try await pool.read { db in
            try StepRecord.fetchAll(db, sql: """
                SELECT step.* FROM step
                LEFT JOIN step_vector ON step_vector.step_id = step.id AND step_vector.model = ?
                WHERE step.world_id = ? AND step.kind = 'story' AND step_vector.step_id IS NULL
                ORDER BY step.id DESC LIMIT ?
                """, arguments: [model, worldID, limit]).map(\.step)
        }
    }
}

// Checks that tests, benchmarks and admin tools use.
extension SQLiteStore {
    /// The stored vector of a step and the model that made it.
    public func vector(stepID: Int64) async throws -> (model: String, vector: [Float])? {
        try await pool.read { db in
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

    /// The dot product of `query` with the vector in `data`, read in place; nil if the sizes differ.
    static func dot(_ query: [Float], _ data: Data) -> Float? {
        guard data.count == query.count * 4 else { return nil }
        return data.withUnsafeBytes { raw in
            query.withUnsafeBufferPointer { q in
                var sum: Float = 0
                for index in 0..<q.count {
                    let bits = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
                    sum += q[index] * Float(bitPattern: bits)
                }
                return sum
            }
        }
    }
}
