import FableServer
import FableTestSupport
import Foundation
import Testing

/// The TLS listener's certificate: the self-signed pair kept beside the database (made once,
/// kept after, its key owner-only, its fingerprint what OpenSSL computes) and the admin's own.
@Suite struct TLSIdentityTests {
    @Test func aSelfSignedPairIsMadeOnceKeptBesideTheDatabaseAndReused() throws {
        let folder = ScratchFolder.make("fable-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("fable.sqlite").path
        let paths = TLSIdentity.selfSignedPaths(beside: database)
        #expect(paths.certificate == database + ".tls-cert.pem" && paths.key == database + ".tls-key.pem")

        let first = try TLSIdentity.selfSigned(beside: database, commonName: "fable-test")
        #expect(first.origin == .made)
        #expect(first.certificatePath == paths.certificate && first.keyPath == paths.key)
        let certificateText = try String(contentsOfFile: paths.certificate, encoding: .utf8)
        let keyText = try String(contentsOfFile: paths.key, encoding: .utf8)
        #expect(certificateText.hasPrefix("-----BEGIN CERTIFICATE-----\n"))
        #expect(keyText.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(first.warning == nil)

        let second = try TLSIdentity.selfSigned(beside: database, commonName: "fable-test")
        #expect(second.origin == .kept)
        #expect(second.fingerprint == first.fingerprint)
        #expect(try String(contentsOfFile: paths.certificate, encoding: .utf8) == certificateText, "kept, not rewritten")
        #expect(try String(contentsOfFile: paths.key, encoding: .utf8) == keyText)
        // The files name nothing else: no temporary file is left beside them.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["fable.sqlite.tls-cert.pem", "fable.sqlite.tls-key.pem"])
    }

    @Test func theKeyIsOwnerOnlyAndTheCertificateReadable() throws {
        let folder = ScratchFolder.make("fable-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("fable.sqlite").path
        // Even under a permissive umask the key is born 0600.
        let previous = umask(0)
        defer { umask(previous) }
        let identity = try TLSIdentity.selfSigned(beside: database, commonName: "fable-test")
        #expect(try Self.mode(identity.keyPath) == 0o600)
        #expect(try Self.mode(identity.certificatePath) == 0o644)
    }

    @Test func theFingerprintIsWhatOpenSSLComputes() throws {
        let folder = ScratchFolder.make("fable-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let identity = try TLSIdentity.selfSigned(beside: folder.appendingPathComponent("fable.sqlite").path,
                                                  commonName: "fable-test")
        let printed = try Self.openssl(["x509", "-noout", "-fingerprint", "-sha256", "-in", identity.certificatePath])
        #expect(printed.trimmingCharacters(in: .whitespacesAndNewlines) == "sha256 Fingerprint=\(identity.fingerprint)")
        #expect(identity.fingerprint.count == 32 * 3 - 1)
    }

    @Test func theCertificateNamesTheHostAndIsValidFor825Days() throws {
        let folder = ScratchFolder.make("fable-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let now = Date()
        let identity = try TLSIdentity.selfSigned(beside: folder.appendingPathComponent("fable.sqlite").path,
                                                  commonName: "story-host", names: ["story-host", "192.0.2.7"], now: now)
        let text = try Self.openssl(["x509", "-noout", "-subject", "-issuer", "-ext", "subjectAltName,basicConstraints,extendedKeyUsage",
                                     "-in", identity.certificatePath])
        #expect(text.contains("subject=CN = story-host"), "\(text)")
        #expect(text.contains("issuer=CN = story-host"), "self-signed: \(text)")
        #expect(text.contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, DNS:story-host, IP Address:192.0.2.7"),
                "\(text)")
        #expect(text.contains("CA:FALSE") && text.contains("TLS Web Server Authentication"), "\(text)")
        let days = identity.notValidAfter.timeIntervalSince(now) / 86_400
        #expect(abs(days - 825) < 0.01)
        // OpenSSL itself accepts it as its own trust anchor, for localhost and for the host.
        for name in ["localhost", "story-host"] {
            let verified = try Self.openssl(["verify", "-CAfile", identity.certificatePath, "-verify_hostname", name,
                                             identity.certificatePath])
            #expect(verified.contains(": OK"), "\(name): \(verified)")
        }
    }

    @Test func anExpiredSelfSignedCertificateIsMadeAnew() throws {
        let folder = ScratchFolder.make("fable-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("fable.sqlite").path
        let old = try TLSIdentity.selfSigned(beside: database, commonName: "fable-test",
                                             now: Date().addingTimeInterval(-900 * 86_400))
        #expect(old.notValidAfter < Date())
        let renewed = try TLSIdentity.selfSigned(beside: database, commonName: "fable-test")
        #expect(renewed.origin == .renewed)
        #expect(renewed.fingerprint != old.fingerprint)
        #expect(renewed.notValidAfter > Date())
        #expect(try Self.mode(renewed.keyPath) == 0o600)
        #expect(try TLSIdentity.selfSigned(beside: database, commonName: "fable-test").origin == .kept)
    }

    @Test func oneFileOfThePairAloneIsRefusedAndLeftAlone() throws {
        let folder = ScratchFolder.make("fable-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("fable.sqlite").path
        let made = try TLSIdentity.selfSigned(beside: database, commonName: "fable-test")
        try FileManager.default.removeItem(atPath: made.keyPath)
        let certificate = try String(contentsOfFile: made.certificatePath, encoding: .utf8)
        #expect {
            try TLSIdentity.selfSigned(beside: database, commonName: "fable-test")
        } throws: { error in
            "\(error)".contains("found the certificate") && "\(error)".contains("not its key")
        }
        #expect(try String(contentsOfFile: made.certificatePath, encoding: .utf8) == certificate)
        #expect(!FileManager.default.fileExists(atPath: made.keyPath))
    }

    @Test func aKeptKeyOthersCanReadIsNamed() throws {
        let folder = ScratchFolder.make("fable-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("fable.sqlite").path
        let made = try TLSIdentity.selfSigned(beside: database, commonName: "fable-test")
        chmod(made.keyPath, 0o644)
        let kept = try TLSIdentity.selfSigned(beside: database, commonName: "fable-test")
        #expect(kept.warning?.contains("chmod 600") == true)
    }

    @Test func theAdminsFilesAreUsedAsTheyAre() throws {
        let folder = ScratchFolder.make("fable-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let mine = try TLSIdentity.selfSigned(beside: folder.appendingPathComponent("a.sqlite").path, commonName: "a")
        let other = try TLSIdentity.selfSigned(beside: folder.appendingPathComponent("b.sqlite").path, commonName: "b")

        let given = try TLSIdentity.files(certificate: mine.certificatePath, key: mine.keyPath)
        #expect(given.origin == .given)
        #expect(given.fingerprint == mine.fingerprint)
        #expect(given.certificateChain.count == 1)
        _ = try given.makeContext()

        #expect {
            try TLSIdentity.files(certificate: mine.certificatePath, key: other.keyPath)
        } throws: { error in
            "\(error)".contains("does not go with the certificate")
        }
        #expect {
            try TLSIdentity.files(certificate: folder.appendingPathComponent("missing.pem").path, key: mine.keyPath)
        } throws: { error in
            "\(error)".contains("cannot read the certificate")
        }
        #expect {
            try TLSIdentity.files(certificate: mine.certificatePath, key: mine.certificatePath)
        } throws: { error in
            "\(error)".contains("cannot read the private key")
        }
    }

    // MARK: Helpers

    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return try #require(attributes[.posixPermissions] as? Int)
    }

    /// Runs Debian's `openssl` and returns what it printed (standard output and error).
    static func openssl(_ arguments: [String]) throws -> String {
        let binary = "/usr/bin/openssl"
        try #require(FileManager.default.isExecutableFile(atPath: binary), "install openssl (scripts/install-deps)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
