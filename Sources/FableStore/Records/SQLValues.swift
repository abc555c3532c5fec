import FableCore
import Foundation
import GRDB

/// SQL expressions that write a column's text in SQLite, with the values they bind in order,
/// where Foundation is slow: through `JSONEncoder` and GRDB's `DateFormatter` (ICU) a commit
/// spends more CPU on them than on the rest of its own work. The text reads back as Foundation
/// would have written it: the same JSON values (sorted keys, as `JSONColumn` writes them;
/// SQLite does not escape `/`), and dates in GRDB's own format.
///
/// An expression depends on a count, so a statement using it has one SQL text per count, and
/// GRDB keeps one statement per text: a handful in practice (options are three, pins few).
enum SQLValues {
    typealias Expression = (sql: String, values: [(any DatabaseValueConvertible)?])

    /// A JSON array of strings.
    static func stringArray(_ strings: [String]) throws -> Expression {
        guard writable(strings) else { return ("?", [try JSONColumn.text(strings)]) }
        return ("json_array(" + repeatElement("?", count: strings.count).joined(separator: ", ") + ")",
                strings.map { $0 })
    }

    /// A JSON array of chat messages.
    static func messageArray(_ messages: [ChatMessage]) throws -> Expression {
        guard writable(messages.map(\.content)) else { return ("?", [try JSONColumn.text(messages)]) }
        let object = "json_object('content', ?, 'role', ?)"
        return ("json_array(" + repeatElement(object, count: messages.count).joined(separator: ", ") + ")",
                messages.flatMap { [$0.content, $0.role.rawValue] })
    }

    /// A trace's parameters. An absent one is left out, as `JSONEncoder` leaves it out (a JSON
    /// merge patch drops the nulls). The temperature is bound as Swift's shortest text that
    /// reads back the same double (SQLite would print a bound double to 15 digits); infinity
    /// and NaN are not JSON, so `json` fails on them, as `JSONEncoder` did.
    static func parameters(maxTokens: Int?, temperature: Double?) -> Expression {
        ("json_patch('{}', json_object('maxTokens', ?, 'temperature', json(?)))",
         [maxTokens, temperature.map(\.description)])
    }

    /// GRDB's date text ("2026-11-29 01:23:45.678", UTC).
    static func date(_ date: Date) -> Expression {
        ("strftime('%Y-%m-%d %H:%M:%f', ?, 'unixepoch')", [date.timeIntervalSince1970])
    }

    /// SQLite's text functions end a string at its first NUL: such strings are encoded in Swift.
    private static func writable(_ strings: [String]) -> Bool {
        !strings.contains { $0.utf8.contains(0) }
    }
}
