import FableCore

/// What a reader sees while a reply is mended: a short neutral notice, never the validator's
/// reasons (those go to the log, the trace and `inspect`).
public enum ReaderNotice {
    public static let rewriting = "(The storyteller is writing that passage again…)"

    public static func repairing(_ fields: [ReplyField]) -> String {
        fields.contains(.options) ? "(rewriting the options…)" : "(finishing the storyteller's notes…)"
    }
}
