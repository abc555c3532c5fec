import Crypto
import Foundation
import SwiftASN1
import X509

/// A self-signed certificate for the TLS listener, with its P-256 key, as PEM. It encrypts;
/// it proves who the server is only to a reader who checks its fingerprint.
struct SelfSignedCertificate {
    var certificatePEM: String
    var privateKeyPEM: String

    /// How long a made certificate is valid: 825 days, the longest many clients accept for a
    /// server certificate.
    static let validity: TimeInterval = 825 * 24 * 60 * 60

    /// `commonName` names the subject (and issuer); `names` are the host names and addresses it
    /// is valid for (an address such as `127.0.0.1` or `::1` goes in as an IP address). Its
    /// validity starts an hour before `now`, so a client whose clock is a little behind accepts it.
    static func make(commonName: String, names: [String], now: Date = Date()) throws -> SelfSignedCertificate {
        let key = P256.Signing.PrivateKey()
        let issuerKey = Certificate.PrivateKey(key)
        let name = try DistinguishedName { CommonName(commonName) }
        let alternatives = SubjectAlternativeNames(uniqued(names).map(Self.generalName))
        // No key usage extension: one without keyCertSign makes BoringSSL (and so clients built
        // on it) refuse the certificate as its own trust anchor, which is how a reader pins it;
        // with keyCertSign it would contradict `CA:FALSE`. Extended key usage still limits it to
        // a TLS server.
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            try ExtendedKeyUsage([.serverAuth])
            alternatives
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: issuerKey.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(validity),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: issuerKey)
        return SelfSignedCertificate(certificatePEM: try certificate.serializeAsPEM().pemString + "\n",
                                     privateKeyPEM: key.pemRepresentation + "\n")
    }

    /// A name as the certificate holds it: an IPv4 or IPv6 address as its bytes, anything else
    /// as a DNS name.
    static func generalName(_ name: String) -> GeneralName {
        if let bytes = addressBytes(name) { return .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))) }
        return .dnsName(name)
    }

    /// The bytes of an IPv4 or IPv6 address written as text, or nil for anything else.
    static func addressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    private static func uniqued(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }
}
