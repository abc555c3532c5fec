import NIOCore

/// Settings for the telnet layer of one connection.
public struct TelnetConfiguration: Sendable, Equatable {
    /// Longest line in bytes; longer lines are cut (with a `.lineTruncated` notice).
    public var lineLimit: Int
    /// How long to wait for a telnet answer before treating the peer as a raw socket (`nc`).
    public var handshakeTimeout: TimeAmount

    public init(lineLimit: Int = 2048, handshakeTimeout: TimeAmount = .seconds(2)) {
        self.lineLimit = lineLimit
        self.handshakeTimeout = handshakeTimeout
    }
}

/// The telnet handlers for a child channel, in order. Add the session after them: it reads
/// `TelnetEvent` and writes `TelnetOutput`.
public enum TelnetPipeline {
    public static func handlers(configuration: TelnetConfiguration = .init()) -> [any ChannelHandler] {
        [
            ByteToMessageHandler(TelnetDecoder()),
            MessageToByteHandler(TelnetEncoder()),
            TelnetNegotiator(handshakeTimeout: configuration.handshakeTimeout),
            LineDecoder(lineLimit: configuration.lineLimit),
        ]
    }
}

extension ChannelPipeline.SynchronousOperations {
    /// Adds the telnet handlers (see `TelnetPipeline`). Call on the channel's event loop.
    public func addTelnetHandlers(configuration: TelnetConfiguration = .init()) throws {
        try self.addHandlers(TelnetPipeline.handlers(configuration: configuration))
    }
}
