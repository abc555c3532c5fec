import FableTelnet
import FuzzKit
import NIOCore
import NIOEmbedded

/// Fuzzes the inbound telnet layer as the server runs it — `TelnetDecoder` (a
/// ByteToMessageDecoder), the negotiator, `LineDecoder` — in an `EmbeddedChannel`.
///
/// Input: byte 0 picks the line limit and the subnegotiation limit, byte 1 seeds where the
/// stream is split and what the session does between reads (hide input, keep-alive, text, let
/// the 2 s handshake time-out pass), bytes 2… are what the client sends.
///
/// Checks: every event and line is well formed (no control characters, within the limits,
/// `.negotiated` first and once, a peer that never sent IAC is never sent one after the offers),
/// and splitting the stream differently changes nothing — not the events, not the bytes sent back.
enum TelnetHarness {
    static let lineLimits = [1, 2, 3, 4, 8, 80, 2048]
    static let subnegotiationLimits = [1, 4, 16, 1024]
    /// DO NAWS, DO TTYPE, WILL CHARSET, WILL GMCP: what every connection is offered first.
    static let offers: [UInt8] = [255, 253, 31, 255, 253, 24, 255, 251, 42, 255, 251, 201]

    enum Step {
        case bytes(Range<Int>)
        case wait(TimeAmount)
        case write(TelnetOutput)
    }

    struct Outcome: Equatable {
        var events: [TelnetEvent] = []
        var sent: [UInt8] = []
        var errors: [String] = []
        /// Outputs the session wrote (each may put a few bytes on the wire).
        var writes = 0
    }

    static func check(_ input: UnsafeRawBufferPointer) -> String? {
        guard input.count >= 2 else { return nil }
        let lineLimit = lineLimits[Int(input[0]) % lineLimits.count]
        let subnegotiationLimit = subnegotiationLimits[Int(input[0] >> 4) % subnegotiationLimits.count]
        var random = FuzzRandom(seed: UInt64(input[1]) &* 0x1_0000_0001 &+ UInt64(input.count))
        let data = Array(input[2...])

        // The fine plan: reads split at chosen points, session actions between some of them.
        var fine: [Step] = []
        for range in random.chunks(count: data.count) {
            fine.append(.bytes(range))
            switch random.next(in: 0...31) {
            case 0: fine.append(.wait(.milliseconds(Int64(random.next(in: 100...3000)))))
            case 1: fine.append(.write(.hideInput(true)))
            case 2: fine.append(.write(.hideInput(false)))
            case 3: fine.append(.write(.keepAlive))
            case 4: fine.append(.write(.text("ok\n")))
            default: break
            }
        }
        // The coarse plan: the same actions, the bytes between them in one read.
        var coarse: [Step] = []
        for step in fine {
            if case .bytes(let range) = step, case .bytes(let last)? = coarse.last {
                coarse[coarse.count - 1] = .bytes(last.lowerBound..<range.upperBound)
            } else {
                coarse.append(step)
            }
        }

        let outcome = run(fine, data: data, lineLimit: lineLimit, subnegotiationLimit: subnegotiationLimit)
        if let problem = problems(outcome, data: data, lineLimit: lineLimit) { return problem }
        let reference = run(coarse, data: data, lineLimit: lineLimit, subnegotiationLimit: subnegotiationLimit)
        if outcome.events != reference.events {
            return "the events depend on where reads are split: \(outcome.events.prefix(20)) vs \(reference.events.prefix(20))"
        }
        if outcome.sent != reference.sent {
            return "the bytes sent depend on where reads are split: \(outcome.sent.prefix(64)) vs \(reference.sent.prefix(64))"
        }
        return nil
    }

    static func run(_ plan: [Step], data: [UInt8], lineLimit: Int, subnegotiationLimit: Int) -> Outcome {
        var outcome = Outcome()
        let channel = EmbeddedChannel()
        func drain() {
            do {
                while let event = try channel.readInbound(as: TelnetEvent.self) { outcome.events.append(event) }
                while let buffer = try channel.readOutbound(as: ByteBuffer.self) { outcome.sent += buffer.readableBytesView }
            } catch {
                outcome.errors.append("drain: \(error)")
            }
        }
        do {
            try channel.pipeline.syncOperations.addHandlers([
                ByteToMessageHandler(TelnetDecoder(subnegotiationLimit: subnegotiationLimit)),
                MessageToByteHandler(TelnetEncoder()),
                TelnetNegotiator(handshakeTimeout: .seconds(2), gmcp: true),
                LineDecoder(lineLimit: lineLimit),
            ])
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4000)).wait()
        } catch {
            outcome.errors.append("setup: \(error)")
            return outcome
        }
        drain()
        for step in plan {
            do {
                switch step {
                case .bytes(let range):
                    try channel.writeInbound(ByteBuffer(bytes: data[range]))
                case .wait(let time):
                    channel.embeddedEventLoop.advanceTime(by: time)
                case .write(let output):
                    outcome.writes += 1
                    try channel.writeOutbound(output)
                }
            } catch {
                outcome.errors.append("\(step): \(error)")
            }
            drain()
        }
        // Let the handshake settle, then close as a peer would.
        channel.embeddedEventLoop.advanceTime(by: .seconds(3))
        drain()
        do {
            _ = try channel.finish(acceptAlreadyClosed: true)
        } catch {
            outcome.errors.append("finish: \(error)")
        }
        return outcome
    }

    static func problems(_ outcome: Outcome, data: [UInt8], lineLimit: Int) -> String? {
        if let error = outcome.errors.first { return "the pipeline failed: \(error)" }
        let negotiated = outcome.events.filter { if case .negotiated = $0 { true } else { false } }
        guard negotiated.count == 1, case .negotiated(let isTelnetClient)? = outcome.events.first else {
            return "`.negotiated` must come first and once: \(outcome.events.prefix(5)), \(negotiated.count) in all"
        }
        let saidIAC = data.contains(255)
        if isTelnetClient && !saidIAC { return "a peer that never sent IAC was taken for a telnet client" }
        guard outcome.sent.starts(with: offers) else { return "the offers are not first: \(outcome.sent.prefix(16))" }
        if !saidIAC {
            if outcome.sent.dropFirst(offers.count).contains(255) {
                return "a peer that never sent IAC (nc) was sent IAC after the offers: \(outcome.sent.prefix(64))"
            }
        }
        // No amplification: a reply is at most a few bytes for each byte received.
        let writes = outcome.writes
        if outcome.sent.count > offers.count + 4 * data.count + 8 * writes {
            return "\(outcome.sent.count) bytes sent for \(data.count) received and \(writes) writes"
        }
        var lines = 0
        var scalars = 0
        var truncatedPending = false
        for event in outcome.events {
            switch event {
            case .line(let line):
                lines += 1
                truncatedPending = false
                let count = line.unicodeScalars.count
                scalars += count
                if count > lineLimit { return "a line of \(count) scalars passed the limit \(lineLimit)" }
                if let bad = line.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
                    return "a line holds the control character U+\(String(bad.value, radix: 16)): \(line.debugDescription)"
                }
            case .lineTruncated(let limit):
                if limit != lineLimit { return "lineTruncated(\(limit)) with a limit of \(lineLimit)" }
                if truncatedPending { return "two lineTruncated events for one line" }
                truncatedPending = true
            case .windowSize(let width, let height):
                if !(1...65535).contains(width) || !(0...65535).contains(height) { return "window size \(width)x\(height)" }
            case .terminalType(let name):
                if name.isEmpty || name.count > 40 || !name.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
                    return "bad terminal type \(name.debugDescription)"
                }
            case .gmcp(let package, _):
                if package.isEmpty || package.utf8.count > 64 || !package.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
                    return "bad GMCP package name \(package.debugDescription)"
                }
            case .negotiated, .gmcpEnabled:
                break
            }
        }
        let lineEnds = data.filter { $0 == 0x0A || $0 == 0x0D }.count
        if lines > lineEnds { return "\(lines) lines from \(lineEnds) line-end bytes" }
        if scalars > data.count { return "\(scalars) scalars of lines from \(data.count) bytes" }
        return nil
    }
}
