import Foundation

/// The fields of a reply that can be read, even when the reply was cut off at the token limit
/// or has fields missing or of the wrong type: what a repair keeps while it asks again for
/// the rest.
public struct PartialReply: Sendable, Equatable {
    public var outline: String?
    public var passage: String?
    public var memoryChange: String?
    public var memory: String?
    public var indexLine: String?
    public var options: [String]?

    public init(outline: String? = nil, passage: String? = nil, memoryChange: String? = nil, memory: String? = nil,
                indexLine: String? = nil, options: [String]? = nil) {
        self.outline = outline
        self.passage = passage
        self.memoryChange = memoryChange
        self.memory = memory
        self.indexLine = indexLine
        self.options = options
    }

    public init(_ reply: StepReply) {
        self.init(outline: reply.outline, passage: reply.passage, memoryChange: reply.memoryChange,
                  memory: reply.memory, indexLine: reply.indexLine, options: reply.options)
    }

    /// Reads the JSON object in `text` (text around it is skipped). A reply cut off mid-way
    /// keeps the members that were complete; a field of the wrong type is left out.
    public static func read(_ text: String) -> PartialReply {
        guard let object = JSONPrefix.object(in: text) else { return PartialReply() }
        func string(_ field: ReplyField) -> String? { object[field.rawValue] as? String }
        let options = (object[ReplyField.options.rawValue] as? [Any]).flatMap { items in
            items.allSatisfy { $0 is String } ? items.compactMap { $0 as? String } : nil
        }
        return PartialReply(outline: string(.outline), passage: string(.passage), memoryChange: string(.memoryChange),
                            memory: string(.memory), indexLine: string(.indexLine), options: options)
    }

    public func has(_ field: ReplyField) -> Bool {
        switch field {
        case .outline: return outline != nil
        case .passage: return passage != nil
        case .memoryChange: return memoryChange != nil
        case .memory: return memory != nil
        case .indexLine: return indexLine != nil
        case .options: return options != nil
        }
    }

    /// This reply with `fields` taken from `other`.
    public func replacing(_ fields: some Sequence<ReplyField>, from other: PartialReply) -> PartialReply {
        var merged = self
        for field in fields {
            switch field {
            case .outline: merged.outline = other.outline
            case .passage: merged.passage = other.passage
            case .memoryChange: merged.memoryChange = other.memoryChange
            case .memory: merged.memory = other.memory
            case .indexLine: merged.indexLine = other.indexLine
            case .options: merged.options = other.options
            }
        }
        return merged
    }
}

/// The JSON object at the start of a text, or the longest prefix of it that ends after a
/// complete member: a reply cut off at the token limit still yields what it finished.
enum JSONPrefix {
    static func object(in text: String) -> [String: Any]? {
        let bytes = Array(text.utf8)
        guard let start = bytes.firstIndex(of: UInt8(ascii: "{")) else { return nil }
        if let end = bytes.lastIndex(of: UInt8(ascii: "}")), end > start,
           let whole = parse(bytes[start...end]) {
            return whole
        }
        // Cut points: right after each member of the outer object, latest first.
        for cut in memberEnds(bytes[start...]).reversed() {
            if let object = parse(bytes[start..<cut] + [UInt8(ascii: "}")]) { return object }
        }
        return nil
    }

    private static func parse(_ bytes: some Collection<UInt8>) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]
    }

    /// The offsets just after each complete value of the outermost object.
    private static func memberEnds(_ bytes: ArraySlice<UInt8>) -> [Int] {
        var ends: [Int] = []
        var depth = 0
        var inString = false
        var escaped = false
        var stringIsValue = false
        var afterColon = false
        for index in bytes.indices {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 1 && stringIsValue { ends.append(index + 1) }
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                stringIsValue = afterColon
                afterColon = false
            case UInt8(ascii: ":"):
                afterColon = depth == 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                afterColon = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 1 { ends.append(index + 1) }
                if depth <= 0 { return ends }
            case UInt8(ascii: ","):
                afterColon = false
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                break
            default:
                // A number, true, false or null: it ends at the next comma or brace.
                if depth == 1 && afterColon {
                    afterColon = false
                    if let next = bytes[(index + 1)...].firstIndex(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "}") }) {
                        ends.append(next)
                    }
                }
            }
        }
        return ends
    }
}
