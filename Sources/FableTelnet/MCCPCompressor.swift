import NIOCore

/// Turns MCCP2 compression on or off; `TelnetNegotiator` sends it down the pipeline as a user
/// outbound event, right after the frame it must follow.
public enum TelnetCompressionEvent: Sendable, Equatable {
    /// Everything written from now on goes through one zlib stream.
    case start
    /// The stream ends here; later bytes go out plain.
    case end
}

/// MCCP2 (telnet option 86): once `TelnetCompressionEvent.start` has come down the pipeline,
/// every byte to the client goes through one zlib stream. Sits below `TelnetFrameWriter`, so
/// it compresses the telnet stream as written, IAC sequences included.
///
/// Each write is flushed on its own (Z_SYNC_FLUSH), so no text waits inside zlib for the next.
/// Closing the output or the connection ends the stream first (Z_FINISH), so the client sees
/// a clean end rather than a cut one. The stream is small (`windowBits`, `memoryLevel`): it
/// is held for as long as the connection, idle or not, and zlib's defaults take about 262 KiB.
public final class MCCPCompressor: ChannelOutboundHandler {
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// A 1 KiB window: what repeats in telnet text (prompts, option lists, names) repeats
    /// within a line or two. Each step up doubles the window's memory (4 KiB more at 11) for
    /// output under a tenth smaller (`docs/protocol.md` has the figures).
    public static let windowBits: Int32 = 10
    /// Hash table and pending output of 2 KiB each. Below 3, a passage-sized write compresses
    /// clearly worse; 4 would save about 4 % of its bytes for 4 KiB more per connection.
    public static let memoryLevel: Int32 = 3

    private var deflater: Deflater?

    public init() {}

    /// Whether bytes written now are compressed.
    public var isCompressing: Bool { self.deflater != nil }

    /// What zlib holds for this connection's stream (0 when not compressing).
    public var streamBytes: Int { self.deflater?.allocatedBytes ?? 0 }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let input = Self.unwrapOutboundIn(data)
        guard let deflater = self.deflater, input.readableBytes > 0 else {
            context.write(data, promise: promise)
            return
        }
        do {
            let output = try deflater.compress(input, flush: .sync, allocator: context.channel.allocator)
            context.write(Self.wrapOutboundOut(output), promise: promise)
        } catch {
            // A broken stream cannot be mended: the client could never read another byte.
            self.deflater = nil
            promise?.fail(error)
            context.fireErrorCaught(error)
        }
    }

    public func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let event = event as? TelnetCompressionEvent else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        switch event {
        case .start:
            guard self.deflater == nil else { break }
            do {
                self.deflater = try Deflater(windowBits: Self.windowBits, memoryLevel: Self.memoryLevel)
            } catch {
                promise?.fail(error)
                context.fireErrorCaught(error)
                return
            }
        case .end:
            self.finish(context: context)
        }
        promise?.succeed()
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode != .input {
            self.finish(context: context)
            context.flush()
        }
        context.close(mode: mode, promise: promise)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.deflater?.end()
        self.deflater = nil
    }

    /// Writes the end of the stream and lets zlib's memory go.
    private func finish(context: ChannelHandlerContext) {
        guard let deflater = self.deflater else { return }
        self.deflater = nil
        let empty = context.channel.allocator.buffer(capacity: 0)
        if let tail = try? deflater.compress(empty, flush: .finish, allocator: context.channel.allocator) {
            context.write(Self.wrapOutboundOut(tail), promise: nil)
        }
        deflater.end()
    }
}
