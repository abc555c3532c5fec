import Crypto
import _CryptoExtras
import Foundation

/// Salted scrypt password hashes, stored as `scrypt$N$r$p$salt$hash` (base64), so the
/// cost can rise later without breaking old accounts. Slow on purpose: call it off the event loop.
public struct PasswordHasher: Sendable {
    /// scrypt's N. 16384 (the default) takes about 50–200 ms; tests use a small N.
    public let rounds: Int

    /// A hash of a random password at the same cost, checked when a name is unknown so
    /// that an unknown name takes as long as a wrong password.
    public let decoy: String

    public init(rounds: Int = 16384) {
        self.rounds = rounds
        decoy = (try? Self.hash(String(UInt64.random(in: .min ... .max), radix: 36), rounds: rounds)) ?? ""
    }

    public func hash(_ password: String) throws -> String {
        try Self.hash(password, rounds: rounds)
    }

    private static func hash(_ password: String, rounds: Int) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = UInt8.random(in: .min ... .max, using: &generator) }
        let key = try derive(password, salt: salt, rounds: rounds, blockSize: 8, parallelism: 1)
        return ["scrypt", "\(rounds)", "8", "1", Data(salt).base64EncodedString(), Data(key).base64EncodedString()]
            .joined(separator: "$")
    }

    /// Compares in constant time; false for a malformed stored hash.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "scrypt",
              let rounds = Int(parts[1]), let blockSize = Int(parts[2]), let parallelism = Int(parts[3]),
              let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
              let key = try? Self.derive(password, salt: [UInt8](salt), rounds: rounds,
                                         blockSize: blockSize, parallelism: parallelism)
        else { return false }
        return Self.constantTimeEqual(key, [UInt8](expected))
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    private static func derive(_ password: String, salt: [UInt8], rounds: Int, blockSize: Int,
                               parallelism: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(from: Array(password.utf8), salt: salt, outputByteCount: 32,
                                           rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Array($0) }
    }
}
