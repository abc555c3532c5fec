/// Fills a prompt text's `{name}` placeholders in one pass over its bytes. Foundation's
/// `replacingOccurrences`, once per placeholder, would be a large part of a prompt's cost,
/// and it would also rewrite placeholders inside values already filled in (a title with
/// "{genre}").
enum PromptTemplate {
    /// `template` with each `{name}` in `values` replaced; other braces are kept as they are.
    static func fill(_ template: String, _ values: KeyValuePairs<String, String>) -> String {
        let bytes = Array(template.utf8)
        var result = ""
        result.reserveCapacity(bytes.count + values.reduce(0) { $0 + $1.value.utf8.count })
        var copied = 0
        var index = 0
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "{"),
                  let close = bytes[(index + 1)...].prefix(maxNameLength + 1).firstIndex(of: UInt8(ascii: "}")),
                  let value = value(named: bytes[(index + 1)..<close], in: values) else {
                index += 1
                continue
            }
            result += String(decoding: bytes[copied..<index], as: UTF8.self)
            result += value
            index = close + 1
            copied = index
        }
        result += String(decoding: bytes[copied...], as: UTF8.self)
        return result
    }

    /// The template's text between its placeholders.
    static func literalPieces(of template: String) -> [Substring] {
        var pieces: [Substring] = []
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"),
              let close = rest[open...].prefix(maxNameLength + 2).firstIndex(of: "}"),
              rest[rest.index(after: open)..<close].allSatisfy({ $0.isLetter || $0.isNumber }) {
            pieces.append(rest[..<open])
            rest = rest[rest.index(after: close)...]
        }
        pieces.append(rest)
        return pieces
    }

    /// Longer names are not placeholders, so a stray "{" costs a short look ahead only.
    static let maxNameLength = 24

    private static func value(named name: ArraySlice<UInt8>, in values: KeyValuePairs<String, String>) -> String? {
        values.first { $0.key.utf8.elementsEqual(name) }?.value
    }
}
