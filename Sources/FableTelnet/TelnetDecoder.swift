import NIOCore

/// Splits the byte stream into data, commands and subnegotiations. Keeps its state
/// between reads, so a sequence may be split at any byte.
public struct TelnetDecoder: ByteToMessageDecoder {
    public typealias InboundOut = TelnetToken

    private enum State {
        case data
        case command                      // after IAC
        case option(verb: UInt8)          // after IAC WILL/WONT/DO/DONT
        case subnegotiationOption         // after IAC SB
        case subnegotiation(option: UInt8)
        case subnegotiationIAC(option: UInt8)
    }

    private var state = State.data
    private var payload: [UInt8] = []
    private var payloadOverflowed = false
    private let subnegotiationLimit: Int

    /// `subnegotiationLimit`: longer subnegotiations are dropped, so a client cannot grow our memory.
    public init(subnegotiationLimit: Int = 1024) {
        self.subnegotiationLimit = subnegotiationLimit
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard buffer.readableBytes > 0 else { return .needMoreData }
        var data: [UInt8] = []
        for byte in buffer.readableBytesView {
            if let token = self.consume(byte, data: &data) {
                // Keep the order: the data before a command goes up first.
                if !data.isEmpty {
                    context.fireChannelRead(Self.wrapInboundOut(.data(context.channel.allocator.buffer(bytes: data))))
                    data.removeAll(keepingCapacity: true)
                }
                context.fireChannelRead(Self.wrapInboundOut(token))
            }
        }
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        if !data.isEmpty {
            context.fireChannelRead(Self.wrapInboundOut(.data(context.channel.allocator.buffer(bytes: data))))
        }
        return .needMoreData
    }

    public mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        try self.decode(context: context, buffer: &buffer)
    }

    /// Advances the state machine by one byte; data bytes go to `data`, a finished token is returned.
    private mutating func consume(_ byte: UInt8, data: inout [UInt8]) -> TelnetToken? {
        switch self.state {
        case .data:
            if byte == TelnetByte.iac {
                self.state = .command
            } else {
                data.append(byte)
            }
            return nil
        case .command:
            return self.afterIAC(byte, data: &data)
        case .option(let verb):
            self.state = .data
            switch verb {
            case TelnetByte.will: return .command(.will(byte))
            case TelnetByte.wont: return .command(.wont(byte))
            case TelnetByte.do: return .command(.do(byte))
            default: return .command(.dont(byte))
            }
        case .subnegotiationOption:
            self.payload.removeAll(keepingCapacity: false)
            self.payloadOverflowed = false
            self.state = .subnegotiation(option: byte)
            return nil
        case .subnegotiation(let option):
            if byte == TelnetByte.iac {
                self.state = .subnegotiationIAC(option: option)
            } else {
                self.appendPayload(byte)
            }
            return nil
        case .subnegotiationIAC(let option):
            switch byte {
            case TelnetByte.iac:
                self.appendPayload(byte)
                self.state = .subnegotiation(option: option)
                return nil
            case TelnetByte.se:
                self.state = .data
                let payload = self.payload
                self.payload = []
                return self.payloadOverflowed ? nil : .subnegotiation(option: option, payload: payload)
            default:
                // A client that forgot IAC SE: drop the subnegotiation, read this as a command.
                self.payload = []
                return self.afterIAC(byte, data: &data)
            }
        }
    }

    private mutating func afterIAC(_ byte: UInt8, data: inout [UInt8]) -> TelnetToken? {
        switch byte {
        case TelnetByte.iac:
            data.append(0xFF)
            self.state = .data
        case TelnetByte.will, TelnetByte.wont, TelnetByte.do, TelnetByte.dont:
            self.state = .option(verb: byte)
        case TelnetByte.sb:
            self.state = .subnegotiationOption
        case TelnetByte.se:
            self.state = .data  // stray SE: nothing to end
        default:
            self.state = .data
            return .command(.other(byte))
        }
        return nil
    }

    private mutating func appendPayload(_ byte: UInt8) {
        guard !self.payloadOverflowed else { return }
        if self.payload.count < self.subnegotiationLimit {
            self.payload.append(byte)
        } else {
            // Too long: forget what we have and skip to IAC SE.
            self.payloadOverflowed = true
            self.payload = []
        }
    }
}
