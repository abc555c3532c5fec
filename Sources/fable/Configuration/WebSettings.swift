import Foundation

/// `fable serve`'s web listener, resolved like every setting: the flag, else the environment
/// (`FABLE_HTTP_PORT`, `FABLE_HTTPS_PORT`), else the config file (`http_port`, `https_port`),
/// else the default. By default the page is served on the telnet port + 80 (4080 beside 4000),
/// on the same address as telnet, so the README's run command gives a browser page with no
/// flags; a free port when the telnet port is 0 (tests); `off` (or `none`) turns it off. HTTPS
/// only when asked for, and only beside a TLS listener, whose certificate it uses.
struct WebSettings: Equatable {
    var port: Int
    var securePort: Int?

    /// nil when the web listener is off.
    static func resolve(port: String?, securePort: String?, telnetPort: Int, hasTLS: Bool, config: String?,
                        environment: [String: String] = ProcessInfo.processInfo.environment) throws -> WebSettings? {
        let file = try Settings.configFile(config ?? environment["FABLE_CONFIG"])
        func pick(_ flag: String?, _ env: String, _ fileKey: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let value = environment[env], !value.isEmpty { return value }
            return file[fileKey].map { "\($0)" }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let secure = try pick(securePort, "FABLE_HTTPS_PORT", "https_port").flatMap { try number($0, "HTTPS") }
        if secure != nil, !hasTLS {
            throw Settings.Invalid(description: "HTTPS (--https-port) uses the TLS listener's certificate: give it a port (--tls-port)")
        }
        let given: Int?? = try pick(port, "FABLE_HTTP_PORT", "http_port").map { try number($0, "HTTP") }
        let fallback: Int? = telnetPort == 0 ? 0 : telnetPort + 80 <= 65535 ? telnetPort + 80 : nil
        let chosen: Int? = given ?? fallback
        guard let chosen else {
            if secure != nil { throw Settings.Invalid(description: "HTTPS (--https-port) needs the web listener on") }
            return nil
        }
        return WebSettings(port: chosen, securePort: secure)
    }

    /// A port, or nil for `off`/`none`.
    private static func number(_ text: String, _ name: String) throws -> Int? {
        if ["off", "none"].contains(text.lowercased()) { return nil }
        guard let number = Int(text), (0...65535).contains(number) else {
            throw Settings.Invalid(description: "the \(name) port must be a number from 0 to 65535, or off, not \"\(text)\"")
        }
        return number
    }
}
