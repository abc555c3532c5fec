/// Splits a `text/event-stream` body into the data of its events, as bytes. Fed bytes split
/// anywhere. Bytes, not Strings: this runs for every token, and the chunk scanner reads bytes
/// (a String per line, per field and per event, turned back into bytes, would be most of its
/// cost).
struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var data: [UInt8] = []
    /// Whether the open event has a data field yet (an empty `data:` line counts).
    private var hasData = false
    private var lastWasCR = false

    /// Returns the data of every event completed by these bytes.
    mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [[UInt8]] where Bytes.Element == UInt8 {
        var events: [[UInt8]] = []
        for byte in bytes {
            if byte == 0x0A && lastWasCR {
                lastWasCR = false
                continue
            }
            lastWasCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                if let event = endLine() { events.append(event) }
            } else {
                line.append(byte)
            }
        }
        return events
    }

    /// The event still open when the body ends (a server that skips the last blank line).
    mutating func finish() -> [UInt8]? {
        if !line.isEmpty { _ = endLine() }
        return dispatch()
    }

    private static let field = Array("data".utf8)

    private mutating func endLine() -> [UInt8]? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        // `data` or `data:value` (one space after the colon dropped); comments and other fields ignored.
        guard line.starts(with: Self.field) else { return nil }
        var start = Self.field.count
        if start < line.count {
            guard line[start] == UInt8(ascii: ":") else { return nil }
            start += 1
            if start < line.count, line[start] == UInt8(ascii: " ") { start += 1 }
        }
        if hasData { data.append(0x0A) }
        data.append(contentsOf: line[start...])
        hasData = true
        return nil
    }

    private mutating func dispatch() -> [UInt8]? {
        guard hasData else { return nil }
        defer {
            data = []
            hasData = false
        }
        return data
    }
}
