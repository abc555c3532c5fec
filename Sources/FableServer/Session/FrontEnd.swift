/// What kind of client a connection is, for what the session leaves to it.
enum FrontEnd: Sendable {
    /// A terminal, a MUD client or a raw socket: the server wraps text to the reader's width,
    /// and structured messages go out only if the client turns GMCP on.
    case telnet
    /// The web page: the browser wraps text to its window, so the server breaks no line inside
    /// a paragraph, and the page always takes the structured messages (the options as buttons).
    case web

    var wrapsText: Bool { self == .telnet }
    var takesStructuredMessages: Bool { self == .web }
}
