import Crypto
import Foundation
import NIOSSL
import X509

/// What the TLS listener presents: a certificate chain and its private key, where they came
/// from, and the SHA-256 fingerprint of the server's certificate, which readers compare with
/// what their client shows to know they reached this server.
public struct TLSIdentity: Sendable {
    /// How the listener came by its certificate.
    public enum Origin: Sendable, Equatable {
        /// The admin's files (`--cert`, `--key`).
        case given
        /// Self-signed, made by this start: there was none beside the database.
        case made
        /// Self-signed, made by an earlier start and kept beside the database.
        case kept
        /// Self-signed, made by this start in place of a kept one that had expired.
        case renewed
    }

    public let certificateChain: [NIOSSLCertificate]
    public let privateKey: NIOSSLPrivateKey
    public let certificatePath: String
    public let keyPath: String
    public let origin: Origin
    /// The SHA-256 of the server's certificate (the chain's first), as `openssl x509
    /// -fingerprint -sha256` writes it: uppercase hex pairs joined by colons.
    public let fingerprint: String
    /// When the server's certificate stops being valid.
    public let notValidAfter: Date
    /// Something the admin should hear about (a key file others can read).
    public let warning: String?

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// The admin's certificate (a PEM chain, server certificate first) and key (PEM). Fails,
    /// saying which file, when either cannot be read or the key is not the certificate's.
    public static func files(certificate: String, key: String) throws -> TLSIdentity {
        try load(certificate: certificate, key: key, origin: .given)
    }

    /// Where the self-signed certificate and key are kept for the database at `databasePath`:
    /// beside it, named after it.
    public static func selfSignedPaths(beside databasePath: String) -> (certificate: String, key: String) {
        (databasePath + ".tls-cert.pem", databasePath + ".tls-key.pem")
    }

    /// The self-signed certificate kept beside the database, made on the first start (and again
    /// once it has expired). The key file is owner-only (0600) from its creation. Its subject is
    /// `commonName` (the machine's host name, say); it is valid for `localhost`, `127.0.0.1`,
    /// `::1` and `names` (the host the server listens on, when that names one host).
    ///
    /// Only one of the two files is refused rather than replaced: a certificate readers have
    /// learned to trust is never swapped for another without the admin's say.
    public static func selfSigned(beside databasePath: String, commonName: String, names: [String] = [],
                                  now: Date = Date()) throws -> TLSIdentity {
        let paths = selfSignedPaths(beside: databasePath)
        let files = FileManager.default
        switch (files.fileExists(atPath: paths.certificate), files.fileExists(atPath: paths.key)) {
        case (true, true):
            let kept = try load(certificate: paths.certificate, key: paths.key, origin: .kept)
            guard kept.notValidAfter <= now else { return kept }
            try make(at: paths, commonName: commonName, names: names, now: now)
            return try load(certificate: paths.certificate, key: paths.key, origin: .renewed)
        case (false, false):
            try make(at: paths, commonName: commonName, names: names, now: now)
            return try load(certificate: paths.certificate, key: paths.key, origin: .made)
        case (true, false):
            throw Problem(description: "found the certificate \(paths.certificate) but not its key \(paths.key): "
                          + "remove the certificate to have a new pair made, or give --cert and --key")
        case (false, true):
            throw Problem(description: "found the key \(paths.key) but not its certificate \(paths.certificate): "
                          + "remove the key to have a new pair made, or give --cert and --key")
        }
    }

    /// A TLS server context presenting this identity; TLS 1.2 and 1.3 only.
    public func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: certificateChain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: configuration)
    }

    /// `bytes` (a certificate's DER) hashed with SHA-256, written as `openssl x509 -fingerprint
    /// -sha256` writes it.
    public static func fingerprint(der bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02X", $0) }.joined(separator: ":")
    }

    // MARK: Files

    private static func load(certificate: String, key: String, origin: Origin) throws -> TLSIdentity {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificate)
        } catch {
            throw Problem(description: "cannot read the certificate \(certificate) (PEM expected): \(error)")
        }
        guard let leaf = chain.first else {
            throw Problem(description: "the certificate file \(certificate) holds no certificate")
        }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(file: key, format: .pem)
        } catch {
            throw Problem(description: "cannot read the private key \(key) (PEM expected, without a passphrase): \(error)")
        }
        let der = try leaf.toDERBytes()
        let parsed = try Certificate(derEncoded: der)
        let identity = TLSIdentity(certificateChain: chain, privateKey: privateKey, certificatePath: certificate,
                                   keyPath: key, origin: origin, fingerprint: fingerprint(der: der),
                                   notValidAfter: parsed.notValidAfter, warning: Self.exposure(of: key, origin: origin))
        // BoringSSL checks that the key is the certificate's when a context is made.
        do {
            _ = try identity.makeContext()
        } catch {
            throw Problem(description: "the private key \(key) does not go with the certificate \(certificate): \(error)")
        }
        return identity
    }

    /// A kept self-signed key that group or others can read is named, not silently changed.
    private static func exposure(of key: String, origin: Origin) -> String? {
        guard origin == .kept,
              let mode = (try? FileManager.default.attributesOfItem(atPath: key))?[.posixPermissions] as? Int,
              mode & 0o077 != 0 else { return nil }
        return "the TLS key \(key) can be read by others (mode \(String(mode, radix: 8))): chmod 600 it"
    }

    /// Writes a new pair, each file whole or not at all: written under a temporary name, then
    /// renamed into place. The key is created owner-only (0600), never widened afterwards.
    private static func make(at paths: (certificate: String, key: String), commonName: String, names: [String],
                             now: Date) throws {
        let made = try SelfSignedCertificate.make(commonName: commonName,
                                                  names: ["localhost", "127.0.0.1", "::1"] + names, now: now)
        try write(made.privateKeyPEM, to: paths.key, mode: 0o600)
        try write(made.certificatePEM, to: paths.certificate, mode: 0o644)
    }

    private static func write(_ text: String, to path: String, mode: mode_t) throws {
        let temporary = path + ".partial-\(getpid())"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw Problem(description: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == bytes.count, synced == 0, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw Problem(description: "cannot write \(path): \(reason)")
        }
    }
}
