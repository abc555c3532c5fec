import Foundation

/// Whether a URL names a server on this machine.
enum LoopbackHost {
    static let names: Set<String> = ["127.0.0.1", "localhost", "::1", "[::1]"]

    static func contains(_ url: String) -> Bool {
        guard let host = URLComponents(string: url)?.host?.lowercased() else { return false }
        return names.contains(host)
    }
}
