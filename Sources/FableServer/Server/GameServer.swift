import FableCore
import FableTelnet
import FableWeb
import NIOCore
import NIOPosix
import NIOSSL

/// The telnet game server: accepts connections (on its plain port and, when configured, its TLS
/// port), runs a `ReaderSession` for each, and shuts down gracefully.
public actor GameServer {
    public let context: GameContext
    private let connections: ConnectionLimiter
    /// Web connections still plain HTTP, per address (`HTTPConnectionCount`).
    private let pageConnections: ConnectionLimiter
    private var serverChannel: (any Channel)?
    private var tlsChannel: (any Channel)?
    /// The web client's listeners: HTTP, and HTTPS when configured.
    private var webChannels: [any Channel] = []
    private var clock: Task<Void, Never>?
    /// Tells the other front ends who is connected here.
    private var beacon: PresenceBeacon?

    public init(context: GameContext) {
        self.context = context
        connections = ConnectionLimiter(perAddress: context.configuration.connectionsPerAddress)
        pageConnections = ConnectionLimiter(perAddress: context.configuration.connectionsPerAddress)
    }

    /// Binds and starts accepting; returns the port (useful when the configured port is 0).
    /// With a TLS listener configured, binds it too (`tlsPort` tells its port).
    public func start() async throws -> Int {
        let configuration = context.configuration
        let server = try await bind(port: configuration.port, tls: nil)
        serverChannel = server
        let port = server.localAddress?.port ?? configuration.port
        if let tls = configuration.tls {
            let listener: any Channel
            do {
                let secure = SecureListener(context: try tls.identity.makeContext(), plainPort: port,
                                            silence: .nanoseconds(Int64(tls.silenceBeforeRefusal / .nanoseconds(1))))
                listener = try await bind(port: tls.port, tls: secure)
            } catch {
                try? await server.close()
                throw error
            }
            tlsChannel = listener
            tlsPort = listener.localAddress?.port ?? tls.port
        }
        if let web = configuration.web {
            do {
                try await startWeb(web)
            } catch {
                try? await server.close()
                try? await tlsChannel?.close()
                for channel in webChannels { try? await channel.close() }
                throw error
            }
        }
        await context.registry.onShutdown { [weak self] grace in
            Task { await self?.shutdown(grace: grace) }
        }
        let registry = context.registry
        do {
            try await startFrontEnds()
        } catch {
            try? await server.close()
            try? await tlsChannel?.close()
            for channel in webChannels { try? await channel.close() }
            throw error
        }
        clock = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                await registry.broadcast(.tick)
            }
        }
        context.logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        if let tls = configuration.tls, let tlsPort {
            context.logger.info("listening with TLS", metadata: [
                "host": "\(configuration.host)", "port": "\(tlsPort)", "certificate": "\(tls.identity.certificatePath)",
                "sha256": "\(tls.identity.fingerprint)"])
        }
        return port
    }

    /// Receives the other front ends' events and announces this one's readers to them.
    private func startFrontEnds() async throws {
        let context = context
        try await context.frontEnds.start { event in await context.receive(event) }
        let beacon = PresenceBeacon(registry: context.registry, bus: context.frontEnds,
                                    heartbeat: context.configuration.presenceHeartbeat)
        await context.registry.onChange { beacon.changed() }
        self.beacon = beacon
    }

    /// The TLS listener's port once started, nil without one.
    public private(set) var tlsPort: Int?
    /// The web listener's port once started, nil without one.
    public private(set) var webPort: Int?
    /// The web listener's HTTPS port once started, nil without one.
    public private(set) var secureWebPort: Int?

    private func startWeb(_ web: WebListenerConfiguration) async throws {
        let listener = try await bindWeb(port: web.port, web: web.web, tls: nil)
        webChannels.append(listener)
        webPort = listener.localAddress?.port ?? web.port
        context.logger.info("listening for the web client", metadata: [
            "host": "\(context.configuration.host)", "port": "\(webPort ?? web.port)"])
        if let securePort = web.securePort, let tls = context.configuration.tls {
            let secure = try await bindWeb(port: securePort, web: web.web, tls: try tls.identity.makeContext())
            webChannels.append(secure)
            secureWebPort = secure.localAddress?.port ?? securePort
        }
    }

    /// What a TLS listener's connections have in front of the telnet handlers.
    private struct SecureListener: Sendable {
        var context: NIOSSLContext
        var plainPort: Int
        var silence: TimeAmount
    }

    /// One listener. Both listeners' connections share the one per-address count and end in
    /// the same `SessionHandler`; a TLS connection has the TLS handler (and, until its first
    /// byte, `PlaintextRefusal`) between the rate limiter and the telnet handlers, so the rate
    /// limit counts the bytes as they come off the wire.
    private func bind(port: Int, tls: SecureListener?) async throws -> any Channel {
        let configuration = context.configuration
        let context = context
        let connections = connections
        // Each connection is its pipeline and a `SessionHandler` at its end: no task waits
        // on an idle connection (a waiting task holds memory).
        return try await Self.bootstrap { channel in
            channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(
                    InputRateLimiter(bytesPerSecond: configuration.inputBytesPerSecond, burst: configuration.inputBurstBytes))
                if let tls {
                    try pipeline.addHandler(PlaintextRefusal(plainPort: tls.plainPort, silence: tls.silence,
                                                             logger: context.logger))
                    try pipeline.addHandler(NIOSSLServerHandler(context: tls.context))
                }
                try pipeline.addHandlers(TelnetPipeline.handlers(configuration: configuration.telnet, mssp: context.mssp))
                try pipeline.addHandler(SessionHandler(context: context, connections: connections))
            }
        }.bind(host: configuration.host, port: port).get()
    }

    /// Every listener's sockets. Reads start small (a reader types a line at a time): the
    /// channel keeps its last read buffer, so its size is paid by every idle connection.
    private static func bootstrap(_ initialize: @escaping @Sendable (any Channel) -> EventLoopFuture<Void>)
        -> ServerBootstrap {
        ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: readBuffers)
            .childChannelInitializer(initialize)
    }

    /// A web listener: HTTP (inside TLS for HTTPS), the page, and on a WebSocket upgrade the
    /// same `SessionHandler` as telnet, behind the same rate limiter and per-address count. Until
    /// the upgrade a connection counts against a per-address limit of its own, as high.
    private func bindWeb(port: Int, web: WebConfiguration, tls: NIOSSLContext?) async throws -> any Channel {
        let configuration = context.configuration
        let context = context
        let connections = connections
        let pageConnections = pageConnections
        var web = web
        web.lineLimit = configuration.telnet.lineLimit
        let settings = web
        return try await Self.bootstrap { channel in
            channel.eventLoop.makeCompletedFuture {
                let pipeline = channel.pipeline.syncOperations
                try pipeline.addHandler(
                    InputRateLimiter(bytesPerSecond: configuration.inputBytesPerSecond, burst: configuration.inputBurstBytes))
                try pipeline.addHandler(HTTPConnectionCount(limiter: pageConnections), name: HTTPConnectionCount.name)
                if let tls { try pipeline.addHandler(NIOSSLServerHandler(context: tls)) }
                try WebPipeline.configure(channel, configuration: settings) { channel in
                    let pipeline = channel.pipeline.syncOperations
                    _ = pipeline.removeHandler(name: HTTPConnectionCount.name)
                    try pipeline.addHandler(SessionHandler(context: context, connections: connections, frontEnd: .web))
                }
            }
        }.bind(host: configuration.host, port: port).get()
    }

    /// Read buffers from 64 bytes to 8 KiB, 256 to start: a line of typing fits, and a paste
    /// grows them (input is rate-limited anyway, `InputRateLimiter`).
    static let readBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 8192)

    /// Stops accepting, tells every reader, gives steps being written `grace` to finish,
    /// then closes every session (cancelling what is left) and waits for them to end.
    public func shutdown(grace: Duration? = nil, reason: String = "The server is shutting down") async {
        let grace = grace ?? context.configuration.shutdownGrace
        let registry = context.registry
        try? await serverChannel?.close()
        try? await tlsChannel?.close()
        for channel in webChannels { try? await channel.close() }
        let queue = context.queue
        await queue.close()
        let seconds = grace.components.seconds
        await registry.broadcast(.message("\(reason) in \(seconds) second\(seconds == 1 ? "" : "s"). Your worlds are saved."))
        // The steps being written finish, or the grace runs out, whichever comes first.
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await queue.waitUntilIdle() }
            group.addTask { try? await Task.sleep(for: grace) }
            await group.next()
            group.cancelAll()
        }
        await registry.broadcast(.boot("\(reason) now. Goodbye."))
        await sessionsEnded()
        clock?.cancel()
        await beacon?.stop()
        await context.frontEnds.stop()
        context.logger.info("server stopped")
    }

    /// Waits until the server has stopped: no longer accepting, and every session ended.
    public func wait() async {
        try? await serverChannel?.closeFuture.get()
        try? await tlsChannel?.closeFuture.get()
        for channel in webChannels { try? await channel.closeFuture.get() }
        await sessionsEnded()
    }

    /// Every connection closed and every session gone from the registry.
    private func sessionsEnded() async {
        await context.registry.waitUntilEmpty()
        await connections.waitUntilAllClosed()
    }

    public var openConnections: Int { connections.total }
}
