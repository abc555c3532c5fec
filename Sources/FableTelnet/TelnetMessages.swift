/// What the telnet layer hands up to a reader's session: whole lines and what the
/// client told us about itself. IAC sequences never get this far.
public enum TelnetEvent: Sendable, Equatable {
    /// One line, without its line end, decoded as UTF-8 (invalid bytes replaced).
    case line(String)
    /// A line longer than the cap arrived; it was cut to `limit` bytes and delivered as `.line`.
    case lineTruncated(limit: Int)
    /// NAWS: the client's window size in columns and rows.
    case windowSize(width: Int, height: Int)
    /// TTYPE: the client's terminal name.
    case terminalType(String)
    /// The handshake has settled: the client answered (a telnet client) or ~2 s passed
    /// without an answer (`nc`: no IAC byte is ever sent to it again).
    case negotiated(isTelnetClient: Bool)
    /// GMCP: the client agreed (true) or stopped (false). Only while it is on do
    /// `TelnetOutput.gmcp` messages reach the client.
    case gmcpEnabled(Bool)
    /// GMCP: a message from the client, such as `Core.Hello {"client":"Mudlet"}`. The package
    /// name is printable ASCII; `json` is the rest, as sent (possibly empty), not checked.
    case gmcp(package: String, json: String)
}

/// What a session writes down the pipeline.
public enum TelnetOutput: Sendable, Equatable {
    /// Text; "\n" becomes CRLF and 0xFF is escaped on the wire.
    case text(String)
    /// Asks the client to stop (true) or resume (false) echoing what the reader types,
    /// for password entry. Does nothing to a client that is not a telnet client.
    case hideInput(Bool)
    /// IAC NOP, to keep idle connections alive. Does nothing to a non-telnet client.
    case keepAlive
    /// A GMCP message, `IAC SB GMCP "package json" IAC SE`. Does nothing unless the client
    /// turned GMCP on (`TelnetEvent.gmcpEnabled(true)`).
    case gmcp(package: String, json: String)
}
