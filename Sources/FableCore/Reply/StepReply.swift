import Foundation

/// The model's structured reply, as the output contract names its fields.
public struct StepReply: Codable, Sendable, Equatable {
    public var outline: String?
    public var passage: String
    public var memoryChange: String
    public var memory: String
    public var indexLine: String
    public var options: [String]

    enum CodingKeys: String, CodingKey {
        case outline, passage, memory, options
        case memoryChange = "memory_change"
        case indexLine = "index_line"
    }

    public init(outline: String? = nil, passage: String, memoryChange: String, memory: String,
                indexLine: String, options: [String]) {
        self.outline = outline
        self.passage = passage
        self.memoryChange = memoryChange
        self.memory = memory
        self.indexLine = indexLine
        self.options = options
    }

    /// Parses the reply text. Tolerates text around the object (a code fence, a preamble).
    public static func parse(_ text: String) throws(ReplyProblem) -> StepReply {
        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"), start < end else {
            throw .notJSON("the reply holds no JSON object")
        }
        let data = Data(text[start...end].utf8)
        do {
            return try JSONDecoder().decode(StepReply.self, from: data)
        } catch DecodingError.keyNotFound(let key, _) {
            throw .notJSON("the field \"\(key.stringValue)\" is missing")
        } catch DecodingError.typeMismatch(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .notJSON("the field \"\(field)\" has the wrong type")
        } catch {
            throw .notJSON("the reply is not valid JSON")
        }
    }

    public var content: StepContent {
        StepContent(outline: outline, passage: passage, memoryChange: memoryChange, memory: memory,
                    indexLine: indexLine, options: options)
    }
}

/// Why a reply was rejected, in words that go back to the model as a corrective note.
public enum ReplyProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case notJSON(String)
    case invalid([String])

    public var description: String {
        switch self {
        case .notJSON(let why): return why
        case .invalid(let problems): return problems.joined(separator: "; ")
        }
    }
}
