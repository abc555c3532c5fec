import FableCore
import FableTelnet

/// Everything a session reacts to, in one ordered stream: what the reader sent, what the
/// running step reported, and what the server or other sessions said.
enum SessionInput: Sendable {
    /// The connection is open: always the first item.
    case opened
    case telnet(TelnetEvent)
    case disconnected
    case generationEnded(GenerationOutcome)
    /// The reader's place in the queue for the storyteller changed.
    case queuePlace(Int)
    case notice(SessionNotice)
}

enum GenerationOutcome: Sendable {
    case committed(Step)
    case failed(String)
    case cancelled
}
