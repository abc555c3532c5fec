import FableStoreKit
import Foundation
import GRDB
import GRDBSQLite

/// FTS5 functions of the store's own, registered on every connection: SQLite's own tools
/// can still read and edit the file, since only the store's searches call them.
enum FullTextFunctions {
    static func register(_ db: Database) {
        let api = FTS5.api(db)
        let mutable = UnsafeMutablePointer(mutating: api)
        _ = api.pointee.xCreateFunction(mutable, WorldBM25.functionName, nil, worldBM25, nil)
        _ = api.pointee.xCreateFunction(mutable, PhraseMask.functionName, nil, phraseMask, nil)
    }
}

/// `phrase_mask(piece_fts)`: the phrases of the MATCH that a row holds, bit `i` for phrase
/// `i` (the first 63). One pass over a few new rows brings many terms' counts up to date.
enum PhraseMask {
    static let functionName = "phrase_mask"
    static let phrases = 63
}

/// BM25 with the world's own term statistics: `world_bm25(piece_fts, idfs)`, an FTS5 ranking
/// function registered on every connection, where `idfs` is a blob of one `Double` per phrase
/// of the MATCH, in the query's order.
///
/// FTS5's bm25() takes each phrase's idf from a scan of all its postings in the table, every
/// world's. On a server where many readers play the same story that scan grows with the
/// whole server's text, not the story's. The search already counts each term's passages in the world, so it passes the
/// idfs in and reads no other world's postings for them. The formula is FTS5's own (k1 1.2, b 0.75,
/// idf floored at 1e-6, the row's length over the table's mean), so with one world the two
/// rank alike.
enum WorldBM25 {
    static let functionName = "world_bm25"
    /// Column weights: the piece's terms, world_id (a world's own id scores nothing).
    static let weights: [Double] = [1.0, 0.0]
    static let k1 = BM25.k1
    static let b = BM25.b

    /// FTS5's idf for a phrase found in `matches` of `documents` rows.
    static func idf(documents: Int, matches: Int) -> Double {
        BM25.idf(documents: documents, matches: matches)
    }

    /// The blob argument: the idfs' bytes, as the function reads them.
    static func argument(_ idfs: [Double]) -> Data {
        idfs.withUnsafeBytes { Data($0) }
    }
}

/// One row's score, negated as bm25()'s is so that `ORDER BY` puts the best first.
private func worldBM25(_ api: UnsafePointer<Fts5ExtensionApi>?, _ fts: OpaquePointer?, _ context: OpaquePointer?,
                       _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let api = api?.pointee, let values, count == 1,
          let blob = sqlite3_value_blob(values[0]) else {
        sqlite3_result_error(context, "world_bm25(piece_fts, idfs): idfs must be a blob of doubles", -1)
        return
    }
    let phrases = Int(api.xPhraseCount(fts))
    guard Int(sqlite3_value_bytes(values[0])) == phrases * MemoryLayout<Double>.size else {
        sqlite3_result_error(context, "world_bm25: one idf per phrase of the query", -1)
        return
    }
    var tokens: Int32 = 0
    var rows: Int64 = 0
    var totalTokens: Int64 = 0
    guard api.xColumnSize(fts, -1, &tokens) == SQLITE_OK, api.xRowCount(fts, &rows) == SQLITE_OK,
          api.xColumnTotalSize(fts, -1, &totalTokens) == SQLITE_OK else {
        sqlite3_result_error(context, "world_bm25: FTS5 could not describe the row", -1)
        return
    }
    let idfs = UnsafeRawPointer(blob)
    let meanTokens = Double(totalTokens) / Double(max(rows, 1))
    let lengthNorm = WorldBM25.k1 * (1 - WorldBM25.b + WorldBM25.b * Double(tokens) / meanTokens)
    let score = withUnsafeTemporaryAllocation(of: Double.self, capacity: max(phrases, 1)) { frequency -> Double? in
        frequency.initialize(repeating: 0)
        let described = forEachInstance(api, fts) { phrase, column in
            guard phrase < phrases, column < WorldBM25.weights.count else { return }
            frequency[phrase] += WorldBM25.weights[column]
        }
        guard described else { return nil }
        var sum = 0.0
        for phrase in 0..<phrases where frequency[phrase] > 0 {
            let idf = idfs.loadUnaligned(fromByteOffset: phrase * MemoryLayout<Double>.size, as: Double.self)
            sum += idf * frequency[phrase] * (WorldBM25.k1 + 1) / (frequency[phrase] + lengthNorm)
        }
        return sum
    }
    guard let score else {
        sqlite3_result_error(context, "world_bm25: FTS5 could not describe the row", -1)
        return
    }
    sqlite3_result_double(context, -score)
}

private func phraseMask(_ api: UnsafePointer<Fts5ExtensionApi>?, _ fts: OpaquePointer?, _ context: OpaquePointer?,
                        _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>?) {
    guard let api = api?.pointee else { return }
    var mask: UInt64 = 0
    let described = forEachInstance(api, fts) { phrase, _ in
        if phrase < PhraseMask.phrases { mask |= 1 << UInt64(phrase) }
    }
    guard described else {
        sqlite3_result_error(context, "phrase_mask: FTS5 could not describe the row", -1)
        return
    }
    sqlite3_result_int64(context, Int64(bitPattern: mask))
}

/// Calls `body(phrase, column)` for every instance of a query phrase in the current row
/// (one that FTS5 cannot describe is skipped); false when FTS5 cannot count them.
private func forEachInstance(_ api: Fts5ExtensionApi, _ fts: OpaquePointer?, _ body: (Int, Int) -> Void) -> Bool {
    var instances: Int32 = 0
    guard api.xInstCount(fts, &instances) == SQLITE_OK else { return false }
    for index in 0..<instances {
        var phrase: Int32 = 0
        var column: Int32 = 0
        var offset: Int32 = 0
        if api.xInst(fts, index, &phrase, &column, &offset) == SQLITE_OK, phrase >= 0, column >= 0 {
            body(Int(phrase), Int(column))
        }
    }
    return true
}
