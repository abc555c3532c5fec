import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A raw TCP client, like `nc`: never answers telnet negotiation. Collects everything the
/// server sends (IAC sequences dropped) so tests can wait for text.
public final class LineClient: Sendable {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private let received = Received()
    private let outgoing: AsyncStream<ByteBuffer>.Continuation
    private let reader: Task<Void, Never>

    public static func connect(host: String = "127.0.0.1", port: Int) async throws -> LineClient {
        try await connect(host: host, port: port, through: { _ in })
    }

    /// Connects with `handlers` first in the client's pipeline, between the socket and the
    /// lines (a TLS client handler, say).
    public static func connect(host: String = "127.0.0.1", port: Int,
                               through handlers: @escaping @Sendable (any Channel) throws -> Void) async throws -> LineClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try handlers(channel)
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return LineClient(channel)
    }

    private init(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) {
        self.channel = channel
        let received = received
        let (lines, outgoing) = AsyncStream.makeStream(of: ByteBuffer.self)
        self.outgoing = outgoing
        reader = Task {
            try? await channel.executeThenClose { inbound, outbound in
                let writer = Task {
                    for await buffer in lines { try? await outbound.write(buffer) }
                }
                var skip = 0
                do {
                    for try await buffer in inbound {
                        var bytes: [UInt8] = []
                        for byte in buffer.readableBytesView {
                            if skip > 0 { skip -= 1; continue }
                            if byte == 0xFF { skip = 2; continue }
                            bytes.append(byte)
                        }
                        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
                        received.text.withLock { $0 += text }
                    }
                } catch {}
                writer.cancel()
            }
            received.text.withLock { $0 += "\u{0}CLOSED" }
        }
    }

    public var transcript: String { received.text.withLock { $0 } }
    public var isClosed: Bool { transcript.hasSuffix("\u{0}CLOSED") }

    public func send(_ line: String) async throws {
        outgoing.yield(ByteBuffer(string: line + "\r\n"))
    }

    public func sendRaw(_ bytes: [UInt8]) async throws {
        outgoing.yield(ByteBuffer(bytes: bytes))
    }

    /// How long a wait lasts unless told: generous, as a clean-clone CI run starts every suite
    /// at once on two cores and a step can stall for seconds there; a hang still fails.
    public static let defaultTimeout: Duration = .seconds(30)

    /// Waits until `text` appears after `offset` characters of the transcript; returns the
    /// transcript's length just past it, so the next wait can start there.
    @discardableResult
    public func waitFor(_ text: String, after offset: Int = 0, timeout: Duration = LineClient.defaultTimeout) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let closed = isClosed
            let all = transcript
            let start = all.index(all.startIndex, offsetBy: min(offset, all.count))
            if let range = all.range(of: text, range: start..<all.endIndex) {
                return all.distance(from: all.startIndex, to: range.upperBound)
            }
            if closed { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw WaitError(text: text, transcript: transcript)
    }

    /// Sends a line and waits for the text that should follow it.
    @discardableResult
    public func say(_ line: String, expect text: String, timeout: Duration = LineClient.defaultTimeout) async throws -> Int {
        let offset = transcript.count
        try await send(line)
        return try await waitFor(text, after: offset, timeout: timeout)
    }

    public func close() async {
        outgoing.finish()
        try? await channel.channel.close()
        _ = await reader.value
    }

    public struct WaitError: Error, CustomStringConvertible {
        var text: String
        var transcript: String
        /// The close mark is spelled out: its NUL would end the message early in the test output.
        public var description: String {
            let shown = transcript.suffix(3000).replacingOccurrences(of: "\u{0}CLOSED", with: "[connection closed]")
            return "never saw \(text.debugDescription); transcript:\n\(shown)"
        }
    }
}

private final class Received: Sendable {
    let text = Mutex("")
}
