import FableCore
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
            return #"{"type":"text","text":"# + JSONString.quoted(text) + "}"
        case .hideInput(let hidden):
            return #"{"type":"input","hidden":"# + (hidden ? "true" : "false") + "}"
        case .gmcp(let package, let json):
            // The session's GMCP bodies are JSON it encoded itself; an empty one is null.
            let data = json.isEmpty ? "null" : json
            return #"{"type":"gmcp","package":"# + JSONString.quoted(package) + #","data":"# + data + "}"
        case .keepAlive:
            return nil
        }
    }
}
