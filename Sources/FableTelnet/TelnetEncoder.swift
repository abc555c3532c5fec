import NIOCore

/// Puts frames on the wire: text with NVT line ends, commands, subnegotiations;
/// 0xFF is always doubled so data can never be read as a command.
public struct TelnetEncoder: MessageToByteEncoder {
    public typealias OutboundIn = TelnetFrame

    public init() {}

    public func encode(data: TelnetFrame, out: inout ByteBuffer) throws {
        switch data {
        case .text(let text):
            Self.writeText(text, to: &out)
        case .command(let command):
            out.writeInteger(TelnetByte.iac)
            out.writeBytes(command.bytes)
        case .subnegotiation(let option, let payload):
            out.writeBytes([TelnetByte.iac, TelnetByte.sb, option])
            Self.writeEscaped(payload, to: &out)
            out.writeBytes([TelnetByte.iac, TelnetByte.se])
        }
    }

    /// "\n" → CRLF, "\r\n" stays, a bare "\r" → CR NUL (RFC 854: CR must be followed by LF or NUL).
    static func writeText(_ text: String, to out: inout ByteBuffer) {
        var afterCR = false
        for byte in text.utf8 {
            if afterCR {
                afterCR = false
                if byte == 0x0A {
                    out.writeInteger(byte)
                    continue
                }
                out.writeInteger(UInt8(0))
            }
            switch byte {
            case 0x0D:
                out.writeInteger(byte)
                afterCR = true
            case 0x0A:
                out.writeBytes([0x0D, 0x0A])
            case 0xFF:
                out.writeBytes([0xFF, 0xFF])
            default:
                out.writeInteger(byte)
            }
        }
        if afterCR { out.writeInteger(UInt8(0)) }
    }

    static func writeEscaped(_ bytes: [UInt8], to out: inout ByteBuffer) {
        for byte in bytes {
            if byte == TelnetByte.iac { out.writeInteger(byte) }
            out.writeInteger(byte)
        }
    }
}
