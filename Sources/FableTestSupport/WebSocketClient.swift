import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A small WebSocket client over a real socket (RFC 6455, written out here so a test sees the
/// bytes a browser would send): the HTTP upgrade, masked text frames out, and every frame the
/// server sends kept. Screen text (`{"type":"text"}` messages) is joined into `transcript`.
public final class WebSocketClient: Sendable {
    private let outgoing: AsyncStream<ByteBuffer>.Continuation
    private let state = Mutex(State())
    private let reader = Mutex<Task<Void, Never>?>(nil)

    private struct State {
        var transcript = ""
        var messages: [String] = []
        var closeCode: UInt16?
        var closed = false
        var pongs = 0
    }

    /// A key from RFC 6455's example, so the expected answer is known.
    static let key = "dGhlIHNhbXBsZSBub25jZQ=="
    static let accept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="

    public struct HandshakeFailed: Error, CustomStringConvertible {
        public var description: String
    }

    /// Connects and upgrades; throws with the server's answer when it is not `101`.
    /// `handlers` go first in the client's pipeline, between the socket and the WebSocket (TLS).
    public static func connect(host: String = "127.0.0.1", port: Int, path: String = "/ws",
                               through handlers: @escaping @Sendable (any Channel) throws -> Void = { _ in })
        async throws -> WebSocketClient {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try handlers(channel)
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\nOrigin: http://\(host):\(port)\r\n\r\n"
        let (handshake, answered) = AsyncStream.makeStream(of: Result<Void, HandshakeFailed>.self)
        let (lines, outgoing) = AsyncStream.makeStream(of: ByteBuffer.self)
        let client = WebSocketClient(outgoing: outgoing)
        let task = Task {
            try? await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: request))
                let writer = Task {
                    for await buffer in lines { try? await outbound.write(buffer) }
                }
                defer { writer.cancel() }
                var bytes: [UInt8] = []
                var upgraded = false
                do {
                    for try await buffer in inbound {
                        bytes += buffer.readableBytesView
                        if !upgraded {
                            guard let end = Self.headerEnd(bytes) else { continue }
                            let head = String(decoding: bytes[..<end], as: UTF8.self)
                            bytes.removeFirst(end + 4)
                            guard head.hasPrefix("HTTP/1.1 101"), head.contains("Sec-WebSocket-Accept: \(accept)") else {
                                answered.yield(.failure(HandshakeFailed(description: head)))
                                return
                            }
                            upgraded = true
                            answered.yield(.success(()))
                        }
                        while let frame = Self.frame(in: &bytes) { client.received(frame) }
                    }
                } catch {}
                if !upgraded { answered.yield(.failure(HandshakeFailed(description: "closed before the handshake"))) }
            }
            client.state.withLock { $0.closed = true }
            answered.finish()
        }
        client.reader.withLock { $0 = task }
        for await result in handshake {
            try result.get()
            return client
        }
        throw HandshakeFailed(description: "no answer")
    }

    private init(outgoing: AsyncStream<ByteBuffer>.Continuation) {
        self.outgoing = outgoing
    }

    deinit { reader.withLock { $0?.cancel() } }

    /// Screen text so far.
    public var transcript: String { state.withLock { $0.transcript } }
    /// Every text message so far, as sent (JSON).
    public var messages: [String] { state.withLock { $0.messages } }
    /// The status code of the server's close frame, once one came.
    public var closeCode: UInt16? { state.withLock { $0.closeCode } }
    public var isClosed: Bool { state.withLock { $0.closed } }
    /// Pongs the server sent (answers to `ping`).
    public var pongs: Int { state.withLock { $0.pongs } }

    /// One line, as a masked text frame (the page sends a line per message).
    public func send(_ line: String) {
        sendFrame(opcode: 0x1, payload: Array(line.utf8))
    }

    public func ping() {
        sendFrame(opcode: 0x9, payload: Array("are you there".utf8))
    }

    /// Any frame, masked as a client's must be.
    public func sendFrame(opcode: UInt8, payload: [UInt8], fin: Bool = true) {
        var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame.append(0x80 | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            frame += (0..<8).reversed().map { UInt8((UInt64(payload.count) >> (8 * UInt64($0))) & 0xFF) }
        }
        let mask: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        outgoing.yield(ByteBuffer(bytes: frame))
    }

    /// Waits until `text` appears in the transcript after `offset` characters; returns the
    /// transcript's length just past it.
    @discardableResult
    public func waitFor(_ text: String, after offset: Int = 0, timeout: Duration = .seconds(10)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let all = transcript
            let start = all.index(all.startIndex, offsetBy: min(offset, all.count))
            if let range = all.range(of: text, range: start..<all.endIndex) {
                return all.distance(from: all.startIndex, to: range.upperBound)
            }
            if isClosed { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw HandshakeFailed(description: "no \"\(text)\" in:\n\(transcript)")
    }

    /// Waits for a message (its JSON) holding `text`; with `count`, for that many such messages,
    /// and returns the last.
    @discardableResult
    public func waitForMessage(containing text: String, count: Int = 1, timeout: Duration = .seconds(10)) async throws
        -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let found = messages.filter { $0.contains(text) }
            if found.count >= count, let last = found.last { return last }
            if isClosed { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw HandshakeFailed(description: "no \(count) messages with \"\(text)\" in:\n\(messages.joined(separator: "\n"))")
    }

    /// Waits until the server has closed the connection.
    public func waitUntilClosed(timeout: Duration = .seconds(10)) async throws {
        let deadline = ContinuousClock.now + timeout
        while !isClosed {
            guard ContinuousClock.now < deadline else { throw HandshakeFailed(description: "still open") }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    public func close() {
        sendFrame(opcode: 0x8, payload: [0x03, 0xE8])
    }

    private func received(_ frame: (opcode: UInt8, payload: [UInt8])) {
        switch frame.opcode {
        case 0x1:
            let json = String(decoding: frame.payload, as: UTF8.self)
            let object = (try? JSONSerialization.jsonObject(with: Data(frame.payload))) as? [String: Any]
            state.withLock { state in
                state.messages.append(json)
                if object?["type"] as? String == "text", let text = object?["text"] as? String { state.transcript += text }
            }
        case 0x8:
            let code = frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1005
            state.withLock { $0.closeCode = code }
        case 0x9:
            sendFrame(opcode: 0xA, payload: frame.payload)
        case 0xA:
            state.withLock { $0.pongs += 1 }
        default:
            break
        }
    }

    static func headerEnd(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 4 else { return nil }
        for index in 0...(bytes.count - 4)
        where bytes[index] == 13 && bytes[index + 1] == 10 && bytes[index + 2] == 13 && bytes[index + 3] == 10 {
            return index
        }
        return nil
    }

    /// Takes one whole server frame (unmasked) off the front of `bytes`.
    static func frame(in bytes: inout [UInt8]) -> (opcode: UInt8, payload: [UInt8])? {
        guard bytes.count >= 2 else { return nil }
        var length = Int(bytes[1] & 0x7F)
        var offset = 2
        if length == 126 {
            guard bytes.count >= 4 else { return nil }
            length = Int(bytes[2]) << 8 | Int(bytes[3])
            offset = 4
        } else if length == 127 {
            guard bytes.count >= 10 else { return nil }
            length = (2..<10).reduce(0) { $0 << 8 | Int(bytes[$1]) }
            offset = 10
        }
        guard bytes.count >= offset + length else { return nil }
        let frame = (opcode: bytes[0] & 0x0F, payload: Array(bytes[offset..<(offset + length)]))
        bytes.removeFirst(offset + length)
        return frame
    }
}
