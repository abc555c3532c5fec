import FableTelnet
import Foundation

/// What MSSP crawlers (MUD listings) are told about the server. The figures that change
/// (readers online, when the server started, the port) come from the running server.
public struct ServerListing: Sendable, Equatable {
    public var name = "Fable"
    /// The host name readers connect to; left out when nil.
    public var hostname: String?
    public var contact: String?
    public var website: String?
    public var language = "English"
    public var genre = "Interactive Fiction"
    public var gameplay = "Adventure"
    /// MSSP's "Alpha", "Closed Beta", "Open Beta" or "Live".
    public var status = "Live"

    public init() {}

    /// The MSSP variables, in MSSP's names. `players`: readers logged in; `started`: when the
    /// server started (MSSP's UPTIME is that moment, in seconds since 1970); `port`: the port
    /// the crawler connected to.
    public func variables(players: Int, started: Date, port: Int?, telnet: TelnetConfiguration) -> [MSSPVariable] {
        var list = [
            MSSPVariable("NAME", name),
            MSSPVariable("PLAYERS", String(players)),
            MSSPVariable("UPTIME", String(Int(started.timeIntervalSince1970))),
            MSSPVariable("CODEBASE", "Fable"),
            MSSPVariable("FAMILY", "Custom"),
        ]
        if let hostname { list.append(MSSPVariable("HOSTNAME", hostname)) }
        if let port { list.append(MSSPVariable("PORT", String(port))) }
        if let contact { list.append(MSSPVariable("CONTACT", contact)) }
        if let website { list.append(MSSPVariable("WEBSITE", website)) }
        list += [
            MSSPVariable("LANGUAGE", language),
            MSSPVariable("GENRE", genre),
            MSSPVariable("GAMEPLAY", gameplay),
            MSSPVariable("STATUS", status),
            // -1: the crawler's own default interval.
            MSSPVariable("CRAWL DELAY", "-1"),
            MSSPVariable("CHARSET", "UTF-8"),
            MSSPVariable("UTF-8", "1"),
            MSSPVariable("ANSI", "0"),
            MSSPVariable("GMCP", telnet.gmcp ? "1" : "0"),
            MSSPVariable("MCCP", telnet.compression ? "1" : "0"),
            MSSPVariable("MSDP", "0"),
            MSSPVariable("MXP", "0"),
        ]
        return list
    }
}
