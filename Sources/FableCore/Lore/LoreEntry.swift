/// A piece of the story's world that enters the prompt only when it matters: when one
/// of its keys appears in the last passage, the instruction or the short-term memory.
public struct LoreEntry: Codable, Sendable, Equatable {
    /// As written in the story file: words and phrases (`old mill`), or a regular
    /// expression between slashes (`/ghosts?/`). See `LoreKey`.
    public var keys: [String]
    public var text: String

    public init(keys: [String], text: String) {
        self.keys = keys
        self.text = text
    }

    /// Whether any key appears in `text`.
    public func isTriggered(by text: String) -> Bool {
        isTriggered(by: LoreText(text))
    }

    public func isTriggered(by text: LoreText) -> Bool {
        keys.contains { LoreKeyCache.shared.key($0).matches(text) }
    }
}
