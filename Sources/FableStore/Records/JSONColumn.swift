import Foundation
import GRDB
import Synchronization

/// A column holding JSON text, read and written as GRDB's Codable records did (the same
/// encoder settings, so rows written before and after read alike), with one encoder and one
/// decoder for the process instead of a new pair per column of every row (making them costs
/// more than decoding a small column).
enum JSONColumn {
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dataEncodingStrategy = .base64
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.nonConformingFloatEncodingStrategy = .throw
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dataDecodingStrategy = .base64
        decoder.dateDecodingStrategy = .millisecondsSince1970
        decoder.nonConformingFloatDecodingStrategy = .throw
        return decoder
    }()

    static func text(_ value: some Encodable) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// The value in `column`, which must hold JSON text (or a blob of it).
    static func decode<Value: Decodable>(_ row: Row, _ column: String, as type: Value.Type = Value.self) throws -> Value {
        try row.withUnsafeData(named: column) { data in try decode(data, column) }
    }

    /// `data` read from `column`: nil when the column is NULL or missing.
    static func decode<Value: Decodable>(_ data: Data?, _ column: String) throws -> Value {
        guard let data else {
            throw DecodingError.valueNotFound(Value.self, .init(codingPath: [], debugDescription: "column \(column) is NULL or missing"))
        }
        // An empty array, what most of these columns hold (pins, a redo stack), without the
        // decoder: two of every step's reads are such columns.
        if data.count == 2, data.first == UInt8(ascii: "["), data.last == UInt8(ascii: "]"),
           let empty = [Never]() as? Value {
            return empty
        }
        return try decoder.decode(Value.self, from: data)
    }
}

/// Values already decoded, by their JSON text: for a column read at every step whose text
/// seldom changes (a world's premise, with its lore: most of the cost of reading a world).
/// Keyed by the whole text, so an edited premise is decoded afresh.
final class DecodedJSON<Value: Decodable & Sendable>: Sendable {
    private let values = Mutex<[Text: Value]>([:])
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    func decode(_ row: Row, _ column: String) throws -> Value {
        try row.withUnsafeData(named: column) { data in
            guard let data else { return try JSONColumn.decode(nil, column) }
            if let known = values.withLock({ $0[Text(bytes: data)] }) { return known }
            let value: Value = try JSONColumn.decode(data, column)
            values.withLock { values in
                if values.count >= capacity { values.removeAll() }
                values[Text(bytes: Data(data))] = value
            }
            return value
        }
    }

    /// A key hashed on all its bytes: `Data` hashes only its first 80, which premises of one
    /// story share.
    private struct Text: Hashable {
        let bytes: Data

        func hash(into hasher: inout Hasher) {
            bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }
}
