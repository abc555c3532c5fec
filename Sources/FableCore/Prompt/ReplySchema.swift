/// The JSON Schema of a reply, sent as `response_format` so that servers with
/// grammar-constrained decoding (llama.cpp) cannot produce anything else.
public enum ReplySchema {
    public static let name = "story_step"
    /// The name of the schema of a repair, which holds only the fields asked for again.
    public static let repairName = "story_step_fields"

    /// The schema for a step. With `settings.constrainReplyLengths`, strings get
    /// `minLength`/`maxLength` and the options `minItems`/`maxItems`: a grammar-constrained
    /// model then always finishes within `max_tokens` and never leaves a field empty.
    /// Strict hosted APIs may reject those keywords; switch them off there.
    public static func json(opening: Bool, mode: StoryMode = .adventure, settings: StorySettings = .default) -> String {
        json(fields: ReplyField.required(opening: opening), mode: mode, settings: settings)
    }

    /// The schema of an object holding `fields` only, in contract order.
    public static func json(fields: [ReplyField], mode: StoryMode = .adventure, settings: StorySettings = .default) -> String {
        let properties = fields.sorted().map { (name: $0.rawValue, schema: schema(of: $0, mode: mode, settings: settings)) }
        let body = properties.map { #""\#($0.name)":\#($0.schema)"# }.joined(separator: ",")
        let required = properties.map { #""\#($0.name)""# }.joined(separator: ",")
        return #"{"type":"object","properties":{\#(body)},"required":[\#(required)],"additionalProperties":false}"#
    }

    private static func schema(of field: ReplyField, mode: StoryMode, settings: StorySettings) -> String {
        let limits = settings.constrainReplyLengths
        func string(_ minLength: Int, _ maxLength: Int) -> String {
            limits ? #"{"type":"string","minLength":\#(minLength),"maxLength":\#(maxLength)}"# : #"{"type":"string"}"#
        }
        // The minimums stop a small model from answering a field with a comma.
        switch field {
        case .outline: return string(80, settings.outlineWordCap * 5)
        // llama.cpp's grammar refuses a repetition of 2,000 or more: stay under it.
        case .passage: return mode == .novel ? string(600, 1990) : string(300, 1600)
        // One sentence each: a longer one costs the reader's wait and buys nothing.
        case .memoryChange: return string(10, 200)
        // About five characters a word keeps the memory under its word cap.
        case .memory: return string(40, settings.memoryWordCap * 5)
        case .indexLine: return string(10, 200)
        case .options:
            return limits
                ? #"{"type":"array","items":\#(string(8, 200)),"minItems":3,"maxItems":3}"#
                : #"{"type":"array","items":{"type":"string"}}"#
        }
    }
}
