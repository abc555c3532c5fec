import NIOCore

/// Telnet command bytes (RFC 854) and the option codes this server talks about.
enum TelnetByte {
    static let iac: UInt8 = 255
    static let dont: UInt8 = 254
    static let `do`: UInt8 = 253
    static let wont: UInt8 = 252
    static let will: UInt8 = 251
    static let sb: UInt8 = 250
    static let nop: UInt8 = 241
    static let se: UInt8 = 240

    static let echo: UInt8 = 1       // RFC 857
    static let sga: UInt8 = 3        // RFC 858
    static let ttype: UInt8 = 24     // RFC 1091
    static let naws: UInt8 = 31      // RFC 1073
    static let charset: UInt8 = 42   // RFC 2066
    static let mssp: UInt8 = 70      // MUD Server Status Protocol
    static let compress2: UInt8 = 86 // MCCP2, the MUD Client Compression Protocol
    static let gmcp: UInt8 = 201     // Generic MUD Communication Protocol
}

/// A telnet command: option negotiation (with its option code) or a bare two-byte command.
public enum TelnetCommand: Sendable, Hashable {
    case will(UInt8)
    case wont(UInt8)
    case `do`(UInt8)
    case dont(UInt8)
    /// A bare command such as NOP (241), AYT (246) or GA (249).
    case other(UInt8)

    /// The bytes after IAC.
    var bytes: [UInt8] {
        switch self {
        case .will(let option): [TelnetByte.will, option]
        case .wont(let option): [TelnetByte.wont, option]
        case .do(let option): [TelnetByte.do, option]
        case .dont(let option): [TelnetByte.dont, option]
        case .other(let code): [code]
        }
    }
}

/// What `TelnetDecoder` reads off the wire.
public enum TelnetToken: Sendable, Equatable {
    /// Data bytes, IAC escapes already removed.
    case data(ByteBuffer)
    case command(TelnetCommand)
    /// IAC SB option … IAC SE, with IAC IAC in the payload already turned into 0xFF.
    case subnegotiation(option: UInt8, payload: [UInt8])
}

/// What `TelnetEncoder` writes to the wire.
public enum TelnetFrame: Sendable, Equatable {
    /// Text for the reader: CRLF line ends and 0xFF escaped on the wire.
    case text(String)
    case command(TelnetCommand)
    case subnegotiation(option: UInt8, payload: [UInt8])
}

/// What `TelnetNegotiator` hands to `LineDecoder`: data still to be cut into lines,
/// or an event that is already final.
public enum TelnetInput: Sendable, Equatable {
    case data(ByteBuffer)
    case event(TelnetEvent)
}
