/// One MSSP variable: an upper-case name from the MSSP list ("NAME", "PLAYERS", "UPTIME",
/// "CODEBASE"…) and its value as text.
public struct MSSPVariable: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// What the server reports to an MSSP crawler, asked for when a client sends DO MSSP (once per
/// connection). `port` is the local port the client connected to (nil if unknown). Called on
/// the connection's event loop: it must not block.
public typealias MSSPProvider = @Sendable (_ port: Int?) -> [MSSPVariable]

/// MSSP's subnegotiation: `IAC SB MSSP (MSSP_VAR name MSSP_VAL value)… IAC SE`.
enum MSSP {
    static let variable: UInt8 = 1
    static let value: UInt8 = 2

    /// The payload between `IAC SB MSSP` and `IAC SE`. NUL, MSSP_VAR and MSSP_VAL bytes inside
    /// a name or value would end it early, so they are left out.
    static func payload(_ variables: [MSSPVariable]) -> [UInt8] {
        var bytes: [UInt8] = []
        for entry in variables {
            bytes.append(Self.variable)
            bytes += entry.name.utf8.filter(Self.isText)
            bytes.append(Self.value)
            bytes += entry.value.utf8.filter(Self.isText)
        }
        return bytes
    }

    private static func isText(_ byte: UInt8) -> Bool {
        byte > Self.value
    }
}
