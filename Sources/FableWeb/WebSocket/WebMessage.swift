import FableTelnet
import NIOCore

/// What the server sends a web client, one JSON object per WebSocket text frame
/// (`docs/protocol.md`): `{"type":"text","text":…}` for screen text, `{"type":"input","hidden":…}`
/// around a password, and `{"type":"gmcp","package":…,"data":…}` for the structured messages a
/// MUD client gets over GMCP (`Fable.World`, `Fable.Step`, `Fable.Memory`). One envelope for
/// all, so the page tells screen text from a message without guessing.
public enum WebMessage {
    /// The frame body for `output`, or nil when it has none (the keep-alive is a ping frame).
    public static func json(for output: TelnetOutput) -> String? {
        switch output {
        case .text(let text):
            return #"{"type":"text","text":"# + quoted(text) + "}"
        case .hideInput(let hidden):
            return #"{"type":"input","hidden":"# + (hidden ? "true" : "false") + "}"
        case .gmcp(let package, let json):
            // The session's GMCP bodies are JSON it encoded itself; an empty one is null.
            let data = json.isEmpty ? "null" : json
            return #"{"type":"gmcp","package":"# + quoted(package) + #","data":"# + data + "}"
        case .keepAlive:
            return nil
        }
    }

    /// `text` as a JSON string literal: quotes, backslashes and every control character escaped
    /// (RFC 8259), everything else as UTF-8.
    public static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}", "\u{2029}", "\u{00}"..."\u{1F}", "\u{7F}":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
