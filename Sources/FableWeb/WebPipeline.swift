import FableTelnet
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// Settings for the web port's connections.
public struct WebConfiguration: Sendable, Equatable {
    /// Longest line in bytes, as for telnet (`LineDecoder`).
    public var lineLimit: Int
    /// Largest message a client may send, in bytes, whole or in fragments; a larger one closes
    /// the connection (status 1009). Room for a line at its cap in any script, and no more.
    public var messageLimit: Int
    /// An HTTP connection that asks for nothing for this long is closed (`PageServer`).
    public var idleTime: TimeAmount

    public init(lineLimit: Int = 2048, messageLimit: Int = 8192, idleTime: TimeAmount = .seconds(30)) {
        self.lineLimit = lineLimit
        self.messageLimit = messageLimit
        self.idleTime = idleTime
    }
}

/// The handlers of a web connection. It starts as HTTP (NIOHTTP1's server handlers and
/// `PageServer`); a `GET /ws` with a WebSocket upgrade turns it into a reader's connection:
///
///     frame decoder/encoder (NIOWebSocket) → NIOWebSocketFrameAggregator → WebSocketControl
///       → WebSocketOutputEncoder (out) → WebSocketTextReader (in) → LineDecoder → the session
///
/// The session at the end reads `TelnetEvent`s and writes `TelnetOutput`, as on a telnet
/// connection, so it is the same session code.
public enum WebPipeline {
    /// The WebSocket's path.
    public static let socketPath = "/ws"

    /// Adds the HTTP handlers to `channel` (call on its event loop). `session` adds the handler
    /// that takes the `TelnetEvent`s once the connection is a WebSocket.
    public static func configure(_ channel: any Channel, configuration: WebConfiguration = .init(),
                                 assets: [String: WebAsset] = WebAsset.all,
                                 session: @escaping @Sendable (any Channel) throws -> Void) throws {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: configuration.messageLimit,
            automaticErrorHandling: true,
            shouldUpgrade: { channel, head in
                let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
                return channel.eventLoop.makeSucceededFuture(path == socketPath ? HTTPHeaders() : nil)
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    _ = pipeline.removeHandler(name: pageHandlerName)
                    try pipeline.addHandlers(socketHandlers(configuration: configuration))
                    try session(channel)
                }
            })
        let pipeline = channel.pipeline.syncOperations
        try pipeline.configureHTTPServerPipeline(withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
        try pipeline.addHandler(PageServer(assets: assets, idleTime: configuration.idleTime), name: pageHandlerName)
    }

    /// What follows NIOWebSocket's frame decoder and encoder once the connection is upgraded.
    public static func socketHandlers(configuration: WebConfiguration = .init()) -> [any ChannelHandler] {
        [
            NIOWebSocketFrameAggregator(minNonFinalFragmentSize: 1, maxAccumulatedFrameCount: 64,
                                        maxAccumulatedFrameSize: configuration.messageLimit),
            WebSocketControl(),
            WebSocketOutputEncoder(),
            WebSocketTextReader(),
            LineDecoder(lineLimit: configuration.lineLimit),
        ]
    }

    static let pageHandlerName = "fable.page"
}
