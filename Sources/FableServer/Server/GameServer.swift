import FableCore
import NIOCore
import NIOPosix

/// The telnet game server: accepts connections, runs a `ReaderSession` for each,
/// and shuts down gracefully.
public actor GameServer {
    public let context: GameContext
    private let connections: ConnectionLimiter
    private var serverChannel: (any Channel)?
    private var acceptLoop: Task<Void, Never>?
    private var clock: Task<Void, Never>?

    public init(context: GameContext) {
        self.context = context
        connections = ConnectionLimiter(perAddress: context.configuration.connectionsPerAddress)
    }

    /// Binds and starts accepting; returns the port (useful when the configured port is 0).
    public func start() async throws -> Int {
        let configuration = context.configuration
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.so_keepalive), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        InputRateLimiter(bytesPerSecond: configuration.inputBytesPerSecond, burst: configuration.inputBurstBytes))
                    try channel.pipeline.syncOperations.addHandlers(TelnetPipeline.handlers(configuration: configuration.telnet))
                    return try NIOAsyncChannel<TelnetEvent, TelnetOutput>(wrappingChannelSynchronously: channel)
                }
            }
        serverChannel = server.channel
        await context.registry.onShutdown { [weak self] grace in
            Task { await self?.shutdown(grace: grace) }
        }
        let port = server.channel.localAddress?.port ?? configuration.port
        let context = context
        let connections = connections
        acceptLoop = Task {
            await withDiscardingTaskGroup { group in
                do {
                    try await server.executeThenClose { inbound in
                        for try await connection in inbound {
                            group.addTask { await Self.serve(connection, context: context, connections: connections) }
                        }
                    }
                } catch {
                    context.logger.error("accepting stopped", metadata: ["error": "\(error)"])
                }
            }
        }
        let registry = context.registry
        clock = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(5))
                await registry.broadcast(.tick)
            }
        }
        context.logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)"])
        return port
    }

    private static func serve(_ connection: NIOAsyncChannel<TelnetEvent, TelnetOutput>, context: GameContext,
                              connections: ConnectionLimiter) async {
        let address = connection.channel.remoteAddress?.ipAddress ?? "unknown"
        guard connections.open(address) else {
            try? await connection.executeThenClose { _, outbound in
                try await outbound.write(.text("Too many connections from your address (at most \(connections.perAddress)). Close one and try again.\n"))
            }
            return
        }
        defer { connections.close(address) }
        try? await connection.executeThenClose { inbound, outbound in
            let session = ReaderSession(context: context, writer: outbound, address: address)
            await session.run(inbound: inbound)
        }
    }

    /// Stops accepting, tells every reader, gives steps being written `grace` to finish,
    /// then closes every session (cancelling what is left) and waits for them to end.
    public func shutdown(grace: Duration? = nil, reason: String = "The server is shutting down") async {
        let grace = grace ?? context.configuration.shutdownGrace
        let registry = context.registry
        try? await serverChannel?.close()
        await registry.closeForNewSteps()
        let seconds = grace.components.seconds
        await registry.broadcast(.message("\(reason) in \(seconds) second\(seconds == 1 ? "" : "s"). Your worlds are saved."))
        let deadline = ContinuousClock.now + grace
        while await registry.generationsInFlight > 0, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
        await registry.broadcast(.boot("\(reason) now. Goodbye."))
        await acceptLoop?.value
        clock?.cancel()
        context.logger.info("server stopped")
    }

    /// Waits until the server has stopped.
    public func wait() async {
        await acceptLoop?.value
    }

    public var openConnections: Int { connections.total }
}
