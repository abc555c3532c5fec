import NIOCore

/// Caps how fast one connection's bytes are read: a reader types a few bytes a second, so a
/// budget of `bytesPerSecond` (with a `burst`) costs nobody anything, while a client that
/// floods (a megabyte line, garbage, an IAC storm) is slowed by TCP itself: once its budget is
/// spent, the next socket read waits until it has refilled. Put it first in the pipeline.
final class InputRateLimiter: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let bytesPerSecond: Double
    private let burst: Double
    private var tokens: Double
    private var last = NIODeadline.now()
    private var readScheduled = false

    init(bytesPerSecond: Int, burst: Int) {
        self.bytesPerSecond = Double(bytesPerSecond)
        self.burst = Double(burst)
        tokens = Double(burst)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        refill()
        tokens -= Double(unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        refill()
        guard tokens <= 0 else {
            context.read()
            return
        }
        guard !readScheduled else { return }
        readScheduled = true
        let wait = TimeAmount.nanoseconds(Int64((1 - tokens) / bytesPerSecond * 1e9))
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: wait) {
            let (handler, context) = loopBound.value
            handler.readScheduled = false
            handler.refill()
            context.read()
        }
    }

    private func refill() {
        let now = NIODeadline.now()
        let elapsed = Double((now - last).nanoseconds) / 1e9
        last = now
        tokens = min(burst, tokens + elapsed * bytesPerSecond)
    }
}
