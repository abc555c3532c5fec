import NIOCore

/// Runs option negotiation and decides whether the peer is a telnet client at all.
///
/// Offers DO NAWS, DO TTYPE and WILL CHARSET when the channel becomes active, and the MUD
/// options it was given (WILL MSSP, WILL GMCP, WILL COMPRESS2) with them, then emits
/// `.negotiated(isTelnetClient:)` exactly once, before any other event or data: as soon as
/// the client negotiates, or after `handshakeTimeout`. A peer that never sent an IAC byte by
/// then (`nc`) is never sent another one. WILL SGA and WILL ECHO are never offered unasked,
/// so a line-mode client like netkit telnet stays in line mode. An option the client refuses
/// or ignores costs it nothing more than the offer.
///
/// The MUD options, each only once the client said DO: MSSP answers with the server's
/// variables (`MSSPProvider`, once per connection); GMCP lets `TelnetOutput.gmcp` through and
/// passes the client's messages up as `TelnetEvent.gmcp`; COMPRESS2 sends `IAC SB COMPRESS2
/// IAC SE` and then `TelnetCompressionEvent.start` to `MCCPCompressor` below, which
/// compresses every later byte (once per connection; DONT ends the stream).
public final class TelnetNegotiator: ChannelDuplexHandler {
    public typealias InboundIn = TelnetToken
    public typealias InboundOut = TelnetInput
    public typealias OutboundIn = TelnetOutput
    public typealias OutboundOut = TelnetFrame

    private enum Settlement { case pending, telnet, silent }

    /// Data held back until the handshake settles; more than this is dropped.
    static let pendingDataLimit = 8192
    /// Option requests answered per connection; later ones are ignored.
    static let negotiationLimit = 200
    private var negotiations = 0
    /// RFC 1091 caps terminal names at 40 characters.
    static let terminalTypeLimit = 40

    private let handshakeTimeout: TimeAmount
    private let offersGMCP: Bool
    private let offersCompression: Bool
    private let mssp: MSSPProvider?
    /// MSSP's reply is a few hundred bytes: one per connection, so no client can make the
    /// server repeat it by turning the option off and on.
    private var msspAnswered = false
    /// A zlib stream costs memory for as long as it lasts: one per connection.
    private var compressionStarted = false
    private var settlement = Settlement.pending
    private var started = false
    private var sawIAC = false
    private var timeout: Scheduled<Void>?
    private var pending: [TelnetInput] = []
    private var pendingDataBytes = 0
    /// What the session last asked for; applied when a telnet client is confirmed.
    private var inputHidden = false
    private var ours: [UInt8: TelnetOptionState] = [:]    // options we perform (WILL/WONT)
    private var theirs: [UInt8: TelnetOptionState] = [:]  // options the client performs (DO/DONT)

    /// `gmcp`, `compression` and `mssp` add the MUD options to the offers. Offer compression
    /// only with an `MCCPCompressor` below the frame writer: without it the client would get
    /// plain bytes where it expects a zlib stream.
    public init(handshakeTimeout: TimeAmount = .seconds(2), gmcp: Bool = false, compression: Bool = false,
                mssp: MSSPProvider? = nil) {
        self.handshakeTimeout = handshakeTimeout
        self.offersGMCP = gmcp
        self.offersCompression = compression
        self.mssp = mssp
    }

    // MARK: Lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { self.start(context: context) }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.timeout?.cancel()
        self.timeout = nil
    }

    public func channelActive(context: ChannelHandlerContext) {
        self.start(context: context)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        self.timeout?.cancel()
        self.timeout = nil
        context.fireChannelInactive()
    }

    private func start(context: ChannelHandlerContext) {
        guard !self.started else { return }
        self.started = true
        if self.theirs[TelnetByte.naws, default: .init()].requestEnable() {
            self.send(.do(TelnetByte.naws), context: context)
        }
        if self.theirs[TelnetByte.ttype, default: .init()].requestEnable() {
            self.send(.do(TelnetByte.ttype), context: context)
        }
        // RFC 2066: the side that sent WILL CHARSET (and got DO) sends the REQUEST.
        if self.ours[TelnetByte.charset, default: .init()].requestEnable() {
            self.send(.will(TelnetByte.charset), context: context)
        }
        // MUD clients and crawlers wait for the server's WILL; telnet clients refuse them.
        for option in self.mudOptions where self.ours[option, default: .init()].requestEnable() {
            self.send(.will(option), context: context)
        }
        context.flush()
        self.timeout = context.eventLoop.assumeIsolated().scheduleTask(in: self.handshakeTimeout) {
            self.timeout = nil
            self.settle(isTelnetClient: self.sawIAC, context: context)
        }
    }

    private func settle(isTelnetClient: Bool, context: ChannelHandlerContext) {
        guard self.settlement == .pending else { return }
        self.settlement = isTelnetClient ? .telnet : .silent
        self.timeout?.cancel()
        self.timeout = nil
        context.fireChannelRead(Self.wrapInboundOut(.event(.negotiated(isTelnetClient: isTelnetClient))))
        let held = self.pending
        self.pending = []
        self.pendingDataBytes = 0
        for input in held {
            context.fireChannelRead(Self.wrapInboundOut(input))
        }
        // Settling from the timer is outside any read: consumers such as NIOAsyncChannel
        // only pass reads on at read-complete.
        context.fireChannelReadComplete()
        if isTelnetClient && self.inputHidden {
            self.applyInputHidden(true, promise: nil, context: context)
            context.flush()
        }
    }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .data(let bytes):
            self.forward(.data(bytes), context: context)
        case .command(let command):
            self.sawIAC = true
            if case .other = command { return }  // NOP, AYT, GA…: nothing to do
            self.settle(isTelnetClient: true, context: context)
            // A real client negotiates a handful of options once; a flood of requests gets no
            // more answers, so it cannot make the server write on its behalf.
            self.negotiations += 1
            guard self.negotiations <= Self.negotiationLimit else { return }
            self.negotiate(command, context: context)
            context.flush()
        case .subnegotiation(let option, let payload):
            self.sawIAC = true
            self.settle(isTelnetClient: true, context: context)
            self.subnegotiation(option: option, payload: payload, context: context)
            context.flush()
        }
    }

    /// Holds input until `.negotiated` has gone up, so that event is always first.
    private func forward(_ input: TelnetInput, context: ChannelHandlerContext) {
        guard self.settlement == .pending else {
            context.fireChannelRead(Self.wrapInboundOut(input))
            return
        }
        guard case .data(var bytes) = input else {
            self.pending.append(input)
            return
        }
        let room = Self.pendingDataLimit - self.pendingDataBytes
        guard room > 0, let kept = bytes.readSlice(length: min(room, bytes.readableBytes)) else { return }
        self.pendingDataBytes += kept.readableBytes
        self.pending.append(.data(kept))
    }

    private func negotiate(_ command: TelnetCommand, context: ChannelHandlerContext) {
        switch command {
        case .will(let option):
            let wasOn = self.theirs[option, default: .init()].isEnabled
            let reply = self.theirs[option, default: .init()].receivedEnable(accept: Self.acceptsTheirs(option))
            self.reply(reply, option: option, ours: false, context: context)
            if !wasOn && self.theirs[option, default: .init()].isEnabled {
                self.theyEnabled(option, context: context)
            }
        case .wont(let option):
            let reply = self.theirs[option, default: .init()].receivedDisable()
            self.reply(reply, option: option, ours: false, context: context)
        case .do(let option):
            let wasOn = self.ours[option, default: .init()].isEnabled
            let reply = self.ours[option, default: .init()].receivedEnable(accept: self.acceptsOurs(option))
            self.reply(reply, option: option, ours: true, context: context)
            if !wasOn && self.ours[option, default: .init()].isEnabled {
                self.weEnabled(option, context: context)
            }
        case .dont(let option):
            let wasOn = self.ours[option, default: .init()].isEnabled
            let reply = self.ours[option, default: .init()].receivedDisable()
            self.reply(reply, option: option, ours: true, context: context)
            if wasOn && !self.ours[option, default: .init()].isEnabled {
                self.weDisabled(option, context: context)
            }
        case .other:
            break
        }
    }

    /// The MUD options offered, in the order they are offered.
    private var mudOptions: [UInt8] {
        (self.mssp == nil ? [] : [TelnetByte.mssp])
            + (self.offersGMCP ? [TelnetByte.gmcp] : [])
            + (self.offersCompression ? [TelnetByte.compress2] : [])
    }

    private func reply(_ reply: TelnetOptionState.Reply?, option: UInt8, ours: Bool, context: ChannelHandlerContext) {
        switch (reply, ours) {
        case (nil, _): break
        case (.enable?, true): self.send(.will(option), context: context)
        case (.disable?, true): self.send(.wont(option), context: context)
        case (.enable?, false): self.send(.do(option), context: context)
        case (.disable?, false): self.send(.dont(option), context: context)
        }
    }

    /// Options we let the client perform. SGA is harmless; everything else unknown is refused.
    private static func acceptsTheirs(_ option: UInt8) -> Bool {
        [TelnetByte.naws, TelnetByte.ttype, TelnetByte.charset, TelnetByte.sga].contains(option)
    }

    /// Options we perform when asked. ECHO only while the session hides input; the MUD options
    /// when they were given, compression once.
    private func acceptsOurs(_ option: UInt8) -> Bool {
        switch option {
        case TelnetByte.sga, TelnetByte.charset: true
        case TelnetByte.echo: self.inputHidden
        case TelnetByte.mssp: self.mssp != nil
        case TelnetByte.gmcp: self.offersGMCP
        case TelnetByte.compress2: self.offersCompression && !self.compressionStarted
        default: false
        }
    }

    private func theyEnabled(_ option: UInt8, context: ChannelHandlerContext) {
        if option == TelnetByte.ttype {
            self.sendSubnegotiation(TelnetByte.ttype, [Self.ttypeSend], context: context)
        }
    }

    private func weEnabled(_ option: UInt8, context: ChannelHandlerContext) {
        // A peer settled as raw (`nc`) that answers late gets nothing, not even these.
        guard self.settlement == .telnet else { return }
        switch option {
        case TelnetByte.charset:
            self.sendSubnegotiation(TelnetByte.charset, [Self.charsetRequest] + Array(";UTF-8".utf8), context: context)
        case TelnetByte.mssp:
            guard let mssp = self.mssp, !self.msspAnswered else { return }
            self.msspAnswered = true
            self.sendSubnegotiation(TelnetByte.mssp, MSSP.payload(mssp(context.channel.localAddress?.port)), context: context)
        case TelnetByte.gmcp:
            self.forward(.event(.gmcpEnabled(true)), context: context)
        case TelnetByte.compress2:
            // MCCP2: the empty subnegotiation is the last plain byte; the stream starts after it.
            self.compressionStarted = true
            self.sendSubnegotiation(TelnetByte.compress2, [], context: context)
            context.triggerUserOutboundEvent(TelnetCompressionEvent.start, promise: nil)
        default:
            break
        }
    }

    private func weDisabled(_ option: UInt8, context: ChannelHandlerContext) {
        guard self.settlement == .telnet else { return }
        switch option {
        case TelnetByte.gmcp:
            self.forward(.event(.gmcpEnabled(false)), context: context)
        case TelnetByte.compress2:
            // After our WONT, still compressed: the client reads plain bytes from the stream's end.
            context.triggerUserOutboundEvent(TelnetCompressionEvent.end, promise: nil)
        default:
            break
        }
    }

    // MARK: Subnegotiations

    static let ttypeIs: UInt8 = 0
    static let ttypeSend: UInt8 = 1
    static let charsetRequest: UInt8 = 1
    static let charsetAccepted: UInt8 = 2
    static let charsetRejected: UInt8 = 3
    static let charsetTTableIs: UInt8 = 4
    static let charsetTTableRejected: UInt8 = 5

    private func subnegotiation(option: UInt8, payload: [UInt8], context: ChannelHandlerContext) {
        switch option {
        case TelnetByte.naws:
            guard payload.count == 4 else { return }
            let width = Int(payload[0]) << 8 | Int(payload[1])
            let height = Int(payload[2]) << 8 | Int(payload[3])
            guard width > 0 else { return }  // RFC 1073: 0 means unknown; keep the session's default
            self.forward(.event(.windowSize(width: width, height: height)), context: context)
        case TelnetByte.ttype:
            guard payload.first == Self.ttypeIs else { return }
            // Printable ASCII only: the name may end up in logs or on screen.
            let name = String(decoding: payload.dropFirst().filter { (0x21...0x7E).contains($0) }, as: UTF8.self)
            guard !name.isEmpty else { return }
            self.forward(.event(.terminalType(String(name.prefix(Self.terminalTypeLimit)))), context: context)
        case TelnetByte.charset:
            self.charsetSubnegotiation(payload, context: context)
        case TelnetByte.gmcp:
            guard self.isOn(TelnetByte.gmcp), let message = Self.gmcpMessage(payload) else { return }
            self.forward(.event(.gmcp(package: message.package, json: message.json)), context: context)
        default:
            break
        }
    }

    /// GMCP package names are short dotted words ("Core.Supports.Set").
    static let gmcpPackageLimit = 64

    /// "Package.Name json": the name up to the first space (printable ASCII), the rest as sent.
    static func gmcpMessage(_ payload: [UInt8]) -> (package: String, json: String)? {
        let space = payload.firstIndex(of: 0x20) ?? payload.endIndex
        let name = payload[..<space]
        guard !name.isEmpty, name.count <= Self.gmcpPackageLimit, name.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            return nil
        }
        let json = space < payload.endIndex ? payload[(space + 1)...] : []
        return (String(decoding: name, as: UTF8.self), String(decoding: json, as: UTF8.self))
    }

    /// An option we perform that a telnet client turned on.
    private func isOn(_ option: UInt8) -> Bool {
        self.settlement == .telnet && self.ours[option, default: .init()].isEnabled
    }

    private func charsetSubnegotiation(_ payload: [UInt8], context: ChannelHandlerContext) {
        guard let code = payload.first else { return }
        switch code {
        case Self.charsetRequest:
            // The client asks us to pick: UTF-8 if offered, else refuse (we only speak UTF-8).
            var list = payload.dropFirst()
            if list.starts(with: Array("[TTABLE".utf8)), let close = list.firstIndex(of: UInt8(ascii: "]")) {
                list = list[(close + 1)...].dropFirst()  // and the version byte after it
            }
            guard let separator = list.first else { return }
            let names = list.dropFirst().split(separator: separator).map { String(decoding: $0, as: UTF8.self).uppercased() }
            if names.contains("UTF-8") || names.contains("UTF8") {
                self.sendSubnegotiation(TelnetByte.charset, [Self.charsetAccepted] + Array("UTF-8".utf8), context: context)
            } else {
                self.sendSubnegotiation(TelnetByte.charset, [Self.charsetRejected], context: context)
            }
        case Self.charsetTTableIs:
            self.sendSubnegotiation(TelnetByte.charset, [Self.charsetTTableRejected], context: context)
        default:
            break  // ACCEPTED / REJECTED: we send UTF-8 either way; nothing else to change.
        }
    }

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch Self.unwrapOutboundIn(data) {
        case .text(let text):
            context.write(Self.wrapOutboundOut(.text(text)), promise: promise)
        case .hideInput(let hidden):
            self.inputHidden = hidden
            if self.settlement == .telnet {
                self.applyInputHidden(hidden, promise: promise, context: context)
            } else {
                promise?.succeed()  // remembered until settled; never sent to `nc`
            }
        case .keepAlive:
            if self.settlement == .telnet {
                context.write(Self.wrapOutboundOut(.command(.other(TelnetByte.nop))), promise: promise)
            } else {
                promise?.succeed()
            }
        case .gmcp(let package, let json):
            if self.isOn(TelnetByte.gmcp) {
                let payload = Array(package.utf8) + [0x20] + Array(json.utf8)
                context.write(Self.wrapOutboundOut(.subnegotiation(option: TelnetByte.gmcp, payload: payload)), promise: promise)
            } else {
                promise?.succeed()  // the client never asked for GMCP
            }
        }
    }

    /// WILL ECHO makes the client stop echoing locally (we do not echo either); WONT ECHO undoes it.
    private func applyInputHidden(_ hidden: Bool, promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        var echo = self.ours[TelnetByte.echo, default: .init()]
        let mustSend = hidden ? echo.requestEnable() : echo.requestDisable()
        self.ours[TelnetByte.echo] = echo
        if mustSend {
            let command: TelnetCommand = hidden ? .will(TelnetByte.echo) : .wont(TelnetByte.echo)
            context.write(Self.wrapOutboundOut(.command(command)), promise: promise)
        } else {
            promise?.succeed()
        }
    }

    private func send(_ command: TelnetCommand, context: ChannelHandlerContext) {
        guard self.settlement != .silent else { return }
        context.write(Self.wrapOutboundOut(.command(command)), promise: nil)
    }

    private func sendSubnegotiation(_ option: UInt8, _ payload: [UInt8], context: ChannelHandlerContext) {
        guard self.settlement != .silent else { return }
        context.write(Self.wrapOutboundOut(.subnegotiation(option: option, payload: payload)), promise: nil)
    }
}
