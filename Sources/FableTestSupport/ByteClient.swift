import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A raw TCP client that keeps every byte the server sends, IAC sequences and all, and sends
/// exactly the bytes it is given: for tests of what goes over the wire.
public final class ByteClient: Sendable {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private let received = Received()
    private let outgoing: AsyncStream<ByteBuffer>.Continuation
    private let reader: Task<Void, Never>

    private final class Received: Sendable {
        struct State {
            var bytes: [UInt8] = []
            var closed = false
        }

        let state = Mutex(State())
    }

    public static func connect(host: String = "127.0.0.1", port: Int) async throws -> ByteClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return ByteClient(channel)
    }

    private init(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) {
        self.channel = channel
        let received = received
        let (buffers, outgoing) = AsyncStream.makeStream(of: ByteBuffer.self)
        self.outgoing = outgoing
        reader = Task {
            try? await channel.executeThenClose { inbound, outbound in
                let writer = Task {
                    for await buffer in buffers { try? await outbound.write(buffer) }
                }
                do {
                    for try await buffer in inbound {
                        received.state.withLock { $0.bytes += buffer.readableBytesView }
                    }
                } catch {}
                writer.cancel()
            }
            received.state.withLock { $0.closed = true }
        }
    }

    /// Everything received so far.
    public var bytes: [UInt8] { received.state.withLock { $0.bytes } }
    /// The server closed the connection (or it broke).
    public var isClosed: Bool { received.state.withLock { $0.closed } }

    public func send(_ bytes: [UInt8]) {
        outgoing.yield(ByteBuffer(bytes: bytes))
    }

    public func send(line: String) {
        outgoing.yield(ByteBuffer(string: line + "\r\n"))
    }

    /// Waits until `condition` holds for the bytes received (checked again as more arrive, and
    /// once more after the connection closed); returns what it returned.
    @discardableResult
    public func waitUntil<T>(timeout: Duration = .seconds(10), _ what: String = "the expected bytes",
                             _ condition: ([UInt8]) throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + timeout
        while true {
            let closed = isClosed
            if let found = try condition(bytes) { return found }
            guard !closed, ContinuousClock.now < deadline else {
                throw WaitError(what: what, bytes: bytes, closed: closed)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until the server has closed the connection.
    public func waitUntilClosed(timeout: Duration = .seconds(10)) async throws {
        try await waitUntil(timeout: timeout, "the connection to close") { _ in isClosed ? true : nil }
    }

    public func close() async {
        outgoing.finish()
        try? await channel.channel.close()
        _ = await reader.value
    }

    public struct WaitError: Error, CustomStringConvertible {
        var what: String
        var bytes: [UInt8]
        var closed: Bool
        public var description: String {
            "never saw \(what)\(closed ? " (connection closed)" : ""); \(bytes.count) bytes: \(bytes.suffix(200))"
        }
    }
}
