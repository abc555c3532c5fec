/// The JSON Schema of a reply, sent as `response_format` so that servers with
/// grammar-constrained decoding (llama.cpp) cannot produce anything else.
public enum ReplySchema {
    public static let name = "story_step"

    public static func json(opening: Bool) -> String {
        let outline = opening ? #""outline":{"type":"string"},"# : ""
        let required = opening ? #""outline","# : ""
        return #"{"type":"object","properties":{"# + outline
            + #""passage":{"type":"string"},"memory_change":{"type":"string"},"#
            + #""memory":{"type":"string"},"index_line":{"type":"string"},"#
            + #""options":{"type":"array","items":{"type":"string"},"minItems":3,"maxItems":3}},"#
            + #""required":["# + required
            + #""passage","memory_change","memory","index_line","options"],"additionalProperties":false}"#
    }
}
