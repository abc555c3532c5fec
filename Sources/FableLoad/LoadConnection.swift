import FableEngine
import NIOCore

/// Tells an active connection to start its world and play (sent through the pipeline).
struct StartPlaying: Sendable {}

/// One reader of a load run, as a handler on the client's event loop: a raw socket that
/// speaks the line protocol like `nc` (it never answers the telnet handshake, so the server
/// treats it as raw after 2 s), logs in with `create NAME PASSWORD`, and, when active,
/// starts a world (`new STORY`, Enter for every question) and plays option 1 turn after turn.
///
/// It keeps no transcript: a few bytes of tail to spot the prompts (`Name: `, `? `, `> `,
/// each at the start of a line), the options (`  3. `), notices (lines starting with `(`,
/// `[` or `—`, which are not the passage) and the passage's first bytes (`Step N.`, the
/// stub's reply number).
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Phase {
        case greeting
        case loggingIn
        /// Logged in, not playing (idle readers; active ones until `StartPlaying`).
        case idle
        /// `new STORY` sent: questions, then the opening.
        case opening
        /// An instruction sent, waiting for the options and the prompt.
        case turn
        /// Done: the run stopped, or this reader played its turns.
        case finished
        case failed
    }

    private let run: LoadRun
    private let name: String
    private let active: Bool
    private var phase = Phase.greeting
    private var closingByUs = false
    private var startRequested = false
    private var turnsPlayed = 0

    // Scanning state.
    private var tail: [UInt8] = []
    private var iacSkip = 0
    private var atLineStart = true
    /// The line being read is a notice (`(`, `[`, `—`): not passage text.
    private var noticeLine = false
    /// The start of the current notice line, kept to tell a restart from a failure.
    private var noticeText: [UInt8] = []
    /// The byte that ends the current notice: `)`, `]`, or the last byte of `—`.
    private var noticeCloser: UInt8 = 0
    /// The last byte of the current line that is not a space.
    private var lastByte: UInt8 = 0
    private var sawOptions = false

    // The step being written.
    private var sent = ContinuousClock.now
    private var firstByte: ContinuousClock.Instant?
    private var passageHead: [UInt8] = []
    private var failedThisTurn = false

    init(run: LoadRun, name: String, active: Bool) {
        self.run = run
        self.name = name
        self.active = active
    }

    func channelActive(context: ChannelHandlerContext) {
        run.update { $0.connected += 1; $0.open += 1 }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        run.update { figures in
            figures.open -= 1
            if !closingByUs { figures.closedByServer += 1 }
        }
        if !closingByUs {
            switch phase {
            case .greeting, .loggingIn: run.error("closed by the server before login")
            case .opening, .turn:
                run.error("closed by the server during a step")
                run.update { $0.inFlight -= 1; $0.activeDone += 1 }
            case .idle, .finished, .failed: break
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        run.error("socket error: \(error)")
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is StartPlaying {
            startRequested = true
            if phase == .idle { startWorld(context: context) }
        } else if event is CloseConnection {
            closingByUs = true
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let now = ContinuousClock.now
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { bytes in
            for byte in bytes { consume(byte, at: now, context: context) }
        }
    }

    // MARK: - Reading

    private func consume(_ byte: UInt8, at now: ContinuousClock.Instant, context: ChannelHandlerContext) {
        // The handshake's IAC DO/WILL x (three bytes each); nothing else is ever sent to a raw client.
        if iacSkip > 0 {
            iacSkip -= 1
            return
        }
        if byte == 0xFF {
            iacSkip = 2
            return
        }
        if tail.count == 8 { tail.removeFirst() }
        tail.append(byte)

        if byte == 0x0A || byte == 0x0D {
            if noticeLine, !atLineStart {
                // A notice wrapped over several lines goes on until its closing bracket.
                if lastByte == noticeCloser {
                    endNotice()
                    noticeLine = false
                }
            }
            atLineStart = true
        } else if atLineStart {
            atLineStart = false
            if !noticeLine {
                // `(` server notices, `[` failures and restarts, `—` a world's title (E2 80 94).
                switch byte {
                case UInt8(ascii: "("): noticeCloser = UInt8(ascii: ")")
                case UInt8(ascii: "["): noticeCloser = UInt8(ascii: "]")
                case 0xE2: noticeCloser = 0x94
                default: noticeCloser = 0
                }
                noticeLine = noticeCloser != 0
                if noticeLine {
                    noticeText = [byte]
                } else if phase == .turn || phase == .opening, firstByte == nil {
                    firstByte = now
                    passageHead = [byte]
                }
            }
        } else if noticeLine {
            if noticeText.count < 64 { noticeText.append(byte) }
        } else if firstByte != nil, passageHead.count < 24 {
            passageHead.append(byte)
        }
        if byte != 0x0A && byte != 0x0D && byte != 0x20 { lastByte = byte }

        switch phase {
        case .greeting:
            if ends(with: "\nName: ") {
                if run.settings.logIn {
                    phase = .loggingIn
                    send("create \(name) \(run.settings.password)", context: context)
                } else {
                    // Connected and greeted only: counted as in, left at the name prompt.
                    run.update { $0.loggedIn += 1 }
                    phase = .idle
                }
            }
        case .loggingIn:
            if ends(with: "\n> ") {
                run.update { $0.loggedIn += 1 }
                phase = .idle
                if startRequested { startWorld(context: context) }
            } else if ends(with: "\nName: ") {
                run.update { $0.loginFailures += 1 }
                run.error("login refused")
                phase = .failed
            }
        case .opening:
            if ends(with: "\n? ") {
                // A question, shown as text: the passage has not begun yet.
                firstByte = nil
                passageHead = []
                send("", context: context)
            } else {
                stepProgress(context: context, opening: true)
            }
        case .turn:
            stepProgress(context: context, opening: false)
        case .idle, .finished, .failed:
            break
        }
    }

    private func stepProgress(context: ChannelHandlerContext, opening: Bool) {
        if ends(with: "\n  3. ") { sawOptions = true }
        guard ends(with: "\n> ") else { return }
        let now = ContinuousClock.now
        if sawOptions && !failedThisTurn {
            run.turnEnded(opening: opening, sent: sent, firstByte: firstByte, ended: now, passageNumber: passageNumber)
            if !opening { turnsPlayed += 1 }
        } else {
            // A failed step (the notice was counted) or a prompt without options.
            if !failedThisTurn { run.error(opening ? "no options after `new`" : "no options after the instruction") }
            run.update { $0.inFlight -= 1 }
            if opening {
                phase = .failed
                run.update { $0.activeDone += 1 }
                return
            }
        }
        nextTurn(context: context)
    }

    private func endNotice() {
        guard phase == .turn || phase == .opening else { return }
        let text = String(decoding: noticeText, as: UTF8.self)
        // The notice's start, long enough to tell it from "(The storyteller is writing…)": a
        // long notice wraps, and the wrapped lines' breaks are not kept.
        if text.hasPrefix(String(ReaderNotice.rewriting.prefix(32))) {
            run.update { $0.restarts += 1 }
            // The passage starts again; its first byte stays the first one shown.
        } else if noticeText.first == UInt8(ascii: "[") {
            failedThisTurn = true
            run.error("step failed: " + String(text.prefix(48)))
        }
    }

    /// `Step N.`: the stub's reply number.
    private var passageNumber: Int? {
        let text = String(decoding: passageHead, as: UTF8.self)
        guard text.hasPrefix("Step ") else { return nil }
        return Int(text.dropFirst(5).prefix { $0.isNumber })
    }

    private func ends(with text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard tail.count >= count else { return false }
        return text.withUTF8Buffer { pattern in
            var offset = tail.count - count
            for byte in pattern {
                // `\n` in a pattern matches LF (the server's CRLF ends in it).
                if tail[offset] != byte { return false }
                offset += 1
            }
            return true
        }
    }

    // MARK: - Writing

    private func startWorld(context: ChannelHandlerContext) {
        guard active, !run.isStopped else { return }
        phase = .opening
        beginStep()
        run.update { $0.inFlight += 1 }
        send("new \(run.settings.story)", context: context)
    }

    private func nextTurn(context: ChannelHandlerContext) {
        let limit = run.settings.turnsPerReader
        if run.isStopped || (limit > 0 && turnsPlayed >= limit) {
            phase = .finished
            run.update { $0.activeDone += 1 }
            return
        }
        phase = .turn
        beginStep()
        run.update { $0.inFlight += 1 }
        send(run.settings.instruction, context: context)
    }

    private func beginStep() {
        sent = ContinuousClock.now
        firstByte = nil
        passageHead = []
        sawOptions = false
        failedThisTurn = false
    }

    private func send(_ line: String, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: line.utf8.count + 2)
        buffer.writeString(line)
        buffer.writeString("\r\n")
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }
}

/// Closes a connection from the client's side (counted as ours, not the server's).
struct CloseConnection: Sendable {}
