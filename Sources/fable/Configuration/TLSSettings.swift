import Foundation

/// `fable serve`'s TLS listener, resolved like every setting: the flag, else the environment,
/// else the config file (`tls_port`, `tls_cert`, `tls_key`), else the default, which is no
/// TLS listener (docs/admin.md says why).
struct TLSSettings: Equatable {
    var port: Int
    /// The admin's certificate chain and key (PEM); both nil: the self-signed pair kept beside
    /// the database.
    var certificate: String?
    var key: String?

    /// nil when no TLS port is set, or it is set to `off`.
    static func resolve(port: String?, certificate: String?, key: String?, config: String?,
                        environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TLSSettings? {
        let file = try Settings.configFile(config ?? environment["FABLE_CONFIG"])
        func pick(_ flag: String?, _ env: String, _ fileKey: String) -> String? {
            if let flag, !flag.isEmpty { return flag }
            if let value = environment[env], !value.isEmpty { return value }
            return file[fileKey].map { "\($0)" }.flatMap { $0.isEmpty ? nil : $0 }
        }
        let certificate = pick(certificate, "FABLE_TLS_CERT", "tls_cert")
        let key = pick(key, "FABLE_TLS_KEY", "tls_key")
        guard (certificate == nil) == (key == nil) else {
            throw Settings.Invalid(description: certificate == nil
                ? "a TLS key (--key) needs its certificate (--cert)"
                : "a TLS certificate (--cert) needs its key (--key)")
        }
        let text = pick(port, "FABLE_TLS_PORT", "tls_port")
        guard let text, !["off", "none"].contains(text.lowercased()) else {
            if certificate != nil {
                throw Settings.Invalid(description: "--cert and --key are for the TLS listener: give it a port (--tls-port)")
            }
            return nil
        }
        guard let number = Int(text), (0...65535).contains(number) else {
            throw Settings.Invalid(description: "the TLS port must be a number from 0 to 65535, or off, not \"\(text)\"")
        }
        return TLSSettings(port: number, certificate: certificate, key: key)
    }
}
