import NIOCore

/// Settings for the telnet layer of one connection.
public struct TelnetConfiguration: Sendable, Equatable {
    /// Longest line in bytes; longer lines are cut (with a `.lineTruncated` notice).
    public var lineLimit: Int
    /// How long to wait for a telnet answer before treating the peer as a raw socket (`nc`).
    public var handshakeTimeout: TimeAmount
    /// Offer GMCP (option 201): MUD clients that accept get small JSON messages beside the text.
    public var gmcp: Bool
    /// Offer MCCP2 (option 86): clients that accept get everything through one zlib stream.
    public var compression: Bool

    public init(lineLimit: Int = 2048, handshakeTimeout: TimeAmount = .seconds(2), gmcp: Bool = true,
                compression: Bool = true) {
        self.lineLimit = lineLimit
        self.handshakeTimeout = handshakeTimeout
        self.gmcp = gmcp
        self.compression = compression
    }
}

/// The telnet handlers for a child channel, in order. Add the session after them: it reads
/// `TelnetEvent` and writes `TelnetOutput`.
public enum TelnetPipeline {
    /// `mssp`: the server's MSSP variables; without it MSSP is not offered.
    public static func handlers(configuration: TelnetConfiguration = .init(),
                                mssp: MSSPProvider? = nil) -> [any ChannelHandler] {
        // Outbound bytes leave through the compressor, so it comes first (nearest the socket).
        let compressor: [any ChannelHandler] = configuration.compression ? [MCCPCompressor()] : []
        return compressor + [
            ByteToMessageHandler(TelnetDecoder()),
            TelnetFrameWriter(),
            TelnetNegotiator(handshakeTimeout: configuration.handshakeTimeout, gmcp: configuration.gmcp,
                             compression: configuration.compression, mssp: mssp),
            LineDecoder(lineLimit: configuration.lineLimit),
        ]
    }
}

/// Encodes each frame (`TelnetEncoder`) into a buffer of its own. NIO's `MessageToByteHandler`
/// keeps one buffer per connection and reuses it, so every idle connection would hold a buffer
/// as big as the longest message it was ever sent (a kilobyte or more after the login); here the
/// buffer goes once the socket has written it.
public final class TelnetFrameWriter: ChannelOutboundHandler {
    public typealias OutboundIn = TelnetFrame
    public typealias OutboundOut = ByteBuffer

    private let encoder = TelnetEncoder()

    public init() {}

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = Self.unwrapOutboundIn(data)
        var buffer = context.channel.allocator.buffer(capacity: Self.estimatedSize(of: frame))
        do {
            try encoder.encode(data: frame, out: &buffer)
            context.write(Self.wrapOutboundOut(buffer), promise: promise)
        } catch {
            promise?.fail(error)
            context.fireErrorCaught(error)
        }
    }

    /// Enough for most frames: line ends grow by a byte each.
    static func estimatedSize(of frame: TelnetFrame) -> Int {
        switch frame {
        case .text(let text): text.utf8.count + text.utf8.count / 16 + 8
        case .command: 3
        case .subnegotiation(_, let payload): payload.count + 8
        }
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Adds the telnet handlers (see `TelnetPipeline`). Call on the channel's event loop.
    public func addTelnetHandlers(configuration: TelnetConfiguration = .init(), mssp: MSSPProvider? = nil) throws {
        try self.addHandlers(TelnetPipeline.handlers(configuration: configuration, mssp: mssp))
    }
}
