/// The JSON Schema of a reply, sent as `response_format` so that servers with
/// grammar-constrained decoding (llama.cpp) cannot produce anything else.
public enum ReplySchema {
    public static let name = "story_step"

    /// The schema for a step. With `settings.constrainReplyLengths`, strings get
    /// `minLength`/`maxLength` and the options `minItems`/`maxItems`: a grammar-constrained
    /// model then always finishes within `max_tokens` and never leaves a field empty.
    /// Strict hosted APIs may reject those keywords; switch them off there.
    public static func json(opening: Bool, mode: StoryMode = .adventure, settings: StorySettings = .default) -> String {
        let limits = settings.constrainReplyLengths
        func string(_ minLength: Int, _ maxLength: Int) -> String {
            limits ? #"{"type":"string","minLength":\#(minLength),"maxLength":\#(maxLength)}"# : #"{"type":"string"}"#
        }
        // llama.cpp's grammar refuses a repetition of 2,000 or more: stay under it.
        let passageLength = mode == .novel ? 1990 : 1600
        // About five characters a word keeps the memory under its word cap.
        let memoryLength = settings.memoryWordCap * 5
        let options = limits
            ? #"{"type":"array","items":\#(string(8, 200)),"minItems":3,"maxItems":3}"#
            : #"{"type":"array","items":{"type":"string"}}"#
        var properties: [(String, String)] = []
        // The minimums stop a small model from answering a field with a comma.
        if opening { properties.append(("outline", string(80, settings.outlineWordCap * 5))) }
        properties += [("passage", string(mode == .novel ? 600 : 300, passageLength)), ("memory_change", string(10, 300)),
                       ("memory", string(40, memoryLength)), ("index_line", string(10, 300)), ("options", options)]
        let body = properties.map { #""\#($0.0)":\#($0.1)"# }.joined(separator: ",")
        let required = properties.map { #""\#($0.0)""# }.joined(separator: ",")
        return #"{"type":"object","properties":{\#(body)},"required":[\#(required)],"additionalProperties":false}"#
    }
}
