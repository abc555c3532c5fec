import FableServer
import FableTestSupport
import Foundation
import Testing

/// MSSP, GMCP and MCCP2 against a real `GameServer` over real sockets: a crawler that never
/// logs in, a MUD client with GMCP, one with compression, and a raw socket that answers nothing.
@Suite(.serialized) struct MUDProtocolServerTests {
    /// DO NAWS, DO TTYPE, WILL CHARSET, WILL MSSP, WILL GMCP, WILL COMPRESS2.
    static let offers: [UInt8] = [255, 253, 31, 255, 253, 24, 255, 251, 42, 255, 251, 70, 255, 251, 201, 255, 251, 86]

    @Test func aCrawlerGetsMSSPAndLeavesWithoutLoggingIn() async throws {
        try await ServerHarness.with(configure: Self.answering) { harness in
            let reader = try await harness.login("ada")
            let before = Int(Date().timeIntervalSince1970)
            var variables = try await Self.crawl(harness)
            #expect(variables["NAME"] == "Fable")
            #expect(variables["CODEBASE"] == "Fable")
            #expect(variables["PORT"] == String(harness.port))
            #expect(variables["PLAYERS"] == "1", "the reader counts; the crawler, never logged in, does not")
            let uptime = try #require(Int(variables["UPTIME"] ?? ""))
            #expect(uptime <= before && uptime > before - 600, "UPTIME is when the server started")
            #expect(variables["GMCP"] == "1" && variables["MCCP"] == "1" && variables["CRAWL DELAY"] == "-1")
            // The crawler has gone, and nobody logged in on its behalf.
            try await Self.waitUntil { await harness.server.openConnections == 1 }
            #expect(await harness.server.context.registry.readersOnline == 1)

            await reader.close()
            try await Self.waitUntil { await harness.server.openConnections == 0 }
            variables = try await Self.crawl(harness)
            #expect(variables["PLAYERS"] == "0")
        }
    }

    @Test func aPeerThatNeverAnswersSeesTheOffersAndNoOtherIAC() async throws {
        try await ServerHarness.with { harness in
            let client = try await ByteClient.connect(port: harness.port)
            try await Self.waitForText(client, "Name: ")
            client.send(line: "create nina secret1")
            try await Self.waitForText(client, "> ")
            client.send(line: "new marsh")
            try await Self.waitForText(client, "  3. ")
            client.send(line: "pin: The bell is bronze")
            try await Self.waitForText(client, "Pinned.")
            client.send(line: "quit")
            try await client.waitUntilClosed()
            let bytes = client.bytes
            #expect(Array(bytes.prefix(Self.offers.count)) == Self.offers)
            let iac = bytes.dropFirst(Self.offers.count).firstIndex(of: 255)
            #expect(iac == nil, "IAC at byte \(iac ?? -1) to a peer that never answered")
            #expect(String(decoding: bytes.dropFirst(Self.offers.count), as: UTF8.self).contains("Goodbye."))
        }
    }

    /// A client that answers negotiation, given time to answer on a busy machine (the
    /// harness's 300 ms suits clients that answer nothing; one answering later is taken for `nc`).
    static func answering(_ configuration: inout ServerConfiguration) {
        configuration.telnet.handshakeTimeout = .seconds(5)
    }

    @Test func aGMCPClientGetsTheWorldTheStepAndTheMemory() async throws {
        try await ServerHarness.with(configure: Self.answering) { harness in
            let client = try await ByteClient.connect(port: harness.port)
            try await client.waitUntil("the offers") { $0.count >= Self.offers.count ? true : nil }
            client.send([255, 253, 201] + [255, 250, 201] + Array(#"Core.Hello {"client":"test","version":"1"}"#.utf8) + [255, 240])
            client.send(line: "create gil secret1")
            try await Self.waitForText(client, "> ")
            client.send(line: "new marsh")
            let step = try await client.waitUntil("Fable.Step") { bytes in
                try Wire(bytes).gmcp.first { $0.package == "Fable.Step" }
            }
            // The memory follows the step, in a write of its own.
            _ = try await client.waitUntil("Fable.Memory") { bytes in
                try Wire(bytes).gmcp.first { $0.package == "Fable.Memory" }
            }
            let wire = Wire(client.bytes)
            let packages = try wire.gmcp.map(\.package)
            #expect(Array(packages.prefix(3)) == ["Fable.World", "Fable.Step", "Fable.Memory"])
            let world = try #require(try wire.gmcp.first { $0.package == "Fable.World" })
            #expect(world.body["title"] as? String == "The Marsh Bell")
            #expect(world.body["story"] as? String == "marsh" && world.body["mode"] as? String == "adventure")
            #expect(step.body["step"] as? Int == 1)
            let options = try #require(step.body["options"] as? [String])
            #expect(options.count == 3)
            for (index, option) in options.enumerated() {
                #expect(wire.text.contains("  \(index + 1). \(option.prefix(20))"), "option \(index + 1) is the one shown")
            }
            // The step's message comes after its options on the screen.
            let stepAt = try #require(wire.gmcpOffsets.first { $0.package == "Fable.Step" }?.textOffset)
            #expect(String(wire.text.prefix(stepAt)).contains("  3. "))
            let memory = try #require(try wire.gmcp.first { $0.package == "Fable.Memory" })
            #expect(!(memory.body["memory"] as? String ?? "").isEmpty)
            #expect(memory.body["pins"] as? [String] == [])

            client.send(line: "pin: The bell is bronze")
            let pinned = try await client.waitUntil("Fable.Memory with the pin") { bytes in
                try Wire(bytes).gmcp.last { $0.package == "Fable.Memory" && ($0.body["pins"] as? [String])?.isEmpty == false }
            }
            #expect(pinned.body["pins"] as? [String] == ["The bell is bronze"])
            await client.close()
        }
    }

    @Test func anMCCPClientReadsEverythingThroughOneStreamToItsEnd() async throws {
        try await ServerHarness.with(configure: Self.answering) { harness in
            let client = try await ByteClient.connect(port: harness.port)
            try await client.waitUntil("the offers") { $0.count >= Self.offers.count ? true : nil }
            client.send([255, 253, 86])
            try await client.waitUntil("IAC SB COMPRESS2 IAC SE") { Self.compressed($0) }
            client.send(line: "create ivo secret1")
            try await client.waitUntil("the prompt, compressed") { try Self.inflated($0).text.contains("> ") ? true : nil }
            client.send(line: "new marsh")
            try await client.waitUntil("the options, compressed") { try Self.inflated($0).text.contains("  3. ") ? true : nil }
            client.send(line: "quit")
            try await client.waitUntilClosed()

            let bytes = client.bytes
            let stream = try #require(Self.compressed(bytes))
            #expect(Array(bytes.prefix(Self.offers.count)) == Self.offers)
            let plain = String(decoding: bytes[Self.offers.count..<(bytes.count - stream.count - 5)], as: UTF8.self)
            #expect(!plain.contains("> "), "before the stream: at most the greeting (\(plain.debugDescription))")
            let (text, ended, rest) = try Self.inflated(bytes)
            #expect(text.contains("Welcome") && text.contains("The Marsh Bell") && text.contains("Goodbye."))
            #expect(ended, "the stream ends before the connection closes")
            #expect(rest == 0, "nothing follows the stream's end")
            #expect(stream.count < text.utf8.count, "\(stream.count) bytes carried \(text.utf8.count)")
        }
    }

    // MARK: Helpers

    /// Connects, answers DO MSSP, reads the variables, and hangs up.
    static func crawl(_ harness: ServerHarness) async throws -> [String: String] {
        let crawler = try await ByteClient.connect(port: harness.port)
        try await crawler.waitUntil("the offers") { $0.count >= Self.offers.count ? true : nil }
        #expect(Array(crawler.bytes.prefix(Self.offers.count)) == Self.offers)
        crawler.send([255, 253, 70])
        let payload = try await crawler.waitUntil("MSSP") { bytes in
            Wire(bytes).subnegotiations.first { $0.option == 70 }?.payload
        }
        await crawler.close()
        var variables: [String: String] = [:]
        // MSSP_VAR name MSSP_VAL value …
        for entry in payload.split(separator: 1) {
            let parts = entry.split(separator: 2, omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            variables[String(decoding: parts[0], as: UTF8.self)] = String(decoding: parts[1], as: UTF8.self)
        }
        return variables
    }

    static func waitForText(_ client: ByteClient, _ text: String) async throws {
        try await client.waitUntil(text.debugDescription) { Wire($0).text.contains(text) ? true : nil }
    }

    static func waitUntil(_ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !(await condition()) {
            guard ContinuousClock.now < deadline else { throw Timeout() }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    struct Timeout: Error {}

    /// The bytes after `IAC SB COMPRESS2 IAC SE`, nil before it arrived.
    static func compressed(_ bytes: [UInt8]) -> [UInt8]? {
        let marker: [UInt8] = [255, 250, 86, 255, 240]
        guard let start = bytes.indices.first(where: { bytes[$0...].starts(with: marker) }) else { return nil }
        return Array(bytes[(start + marker.count)...])
    }

    /// The text before the stream and inside it (telnet commands left out), whether the stream
    /// ended, and how many bytes came after its end.
    static func inflated(_ bytes: [UInt8]) throws -> (text: String, ended: Bool, rest: Int) {
        guard let stream = compressed(bytes) else { return ("", false, 0) }
        let inflater = try Inflater()
        let (inside, consumed) = try inflater.inflate(stream)
        let before = Array(bytes[..<(bytes.count - stream.count)])
        return (Wire(before).text + Wire(inside).text, inflater.ended, stream.count - consumed)
    }
}

/// Telnet bytes taken apart: the text (CRLF as "\n"), and the subnegotiations.
struct Wire {
    var text = ""
    var subnegotiations: [(option: UInt8, payload: [UInt8], textOffset: Int)] = []

    init(_ bytes: [UInt8]) {
        var data: [UInt8] = []
        var index = 0
        func flush() {
            text += String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            data = []
        }
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == 255, index + 1 < bytes.count else {
                data.append(byte)
                index += 1
                continue
            }
            switch bytes[index + 1] {
            case 255:
                data.append(255)
                index += 2
            case 251...254:
                index += 3
            case 250:
                guard index + 2 < bytes.count else { return }
                let option = bytes[index + 2]
                var payload: [UInt8] = []
                var cursor = index + 3
                var closed = false
                while cursor + 1 < bytes.count {
                    if bytes[cursor] == 255, bytes[cursor + 1] == 240 { closed = true; break }
                    if bytes[cursor] == 255, bytes[cursor + 1] == 255 { cursor += 1 }
                    payload.append(bytes[cursor])
                    cursor += 1
                }
                guard closed else { flush(); return }  // not all here yet
                flush()
                subnegotiations.append((option, payload, text.count))
                index = cursor + 2
            default:
                index += 2
            }
        }
        flush()
    }

    struct GMCPMessage {
        var package: String
        var body: [String: Any]
    }

    /// The GMCP messages, in order; each body is a JSON object.
    var gmcp: [GMCPMessage] {
        get throws {
            try subnegotiations.filter { $0.option == 201 }.map { entry in
                let space = entry.payload.firstIndex(of: 0x20) ?? entry.payload.endIndex
                let json = entry.payload[space...].dropFirst()
                let body = try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any] ?? [:]
                return GMCPMessage(package: String(decoding: entry.payload[..<space], as: UTF8.self), body: body)
            }
        }
    }

    /// Where in `text` each GMCP message came.
    var gmcpOffsets: [(package: String, textOffset: Int)] {
        subnegotiations.filter { $0.option == 201 }.map { entry in
            let space = entry.payload.firstIndex(of: 0x20) ?? entry.payload.endIndex
            return (String(decoding: entry.payload[..<space], as: UTF8.self), entry.textOffset)
        }
    }
}
