import NIOCore

/// Cuts telnet data into lines. Accepts CR, LF, CRLF and CR NUL (one line end each, even
/// split across reads), applies backspace/DEL (a client in character mode sends them),
/// drops control characters and caps the line length without buffering what is cut off.
public final class LineDecoder: ChannelInboundHandler {
    public typealias InboundIn = TelnetInput
    public typealias InboundOut = TelnetEvent

    private var assembler: LineAssembler

    public init(lineLimit: Int = 2048) {
        self.assembler = LineAssembler(limit: lineLimit)
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .event(let event):
            context.fireChannelRead(Self.wrapInboundOut(event))
        case .data(let bytes):
            self.assembler.consume(bytes.readableBytesView) { event in
                context.fireChannelRead(Self.wrapInboundOut(event))
            }
        }
    }
}

/// The byte-level state of `LineDecoder`.
struct LineAssembler {
    let limit: Int
    private var line: [UInt8] = []
    private var truncated = false
    private var afterCR = false

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    mutating func consume(_ bytes: some Sequence<UInt8>, emit: (TelnetEvent) -> Void) {
        for byte in bytes {
            if self.afterCR {
                self.afterCR = false
                if byte == 0x0A || byte == 0x00 { continue }  // second half of CRLF / CR NUL
            }
            switch byte {
            case 0x0D:
                self.afterCR = true
                self.endLine(emit: emit)
            case 0x0A:
                self.endLine(emit: emit)
            case 0x08, 0x7F:
                self.erase()
            case 0x09:
                self.append(0x20, emit: emit)
            case 0x00...0x1F:
                break  // other C0 controls (ESC included) never reach the game
            default:
                self.append(byte, emit: emit)
            }
        }
    }

    private mutating func append(_ byte: UInt8, emit: (TelnetEvent) -> Void) {
        if self.line.count < self.limit {
            self.line.append(byte)
        } else if !self.truncated {
            self.truncated = true
            emit(.lineTruncated(limit: self.limit))
        }
    }

    /// Removes the last scalar: its continuation bytes and its lead byte.
    private mutating func erase() {
        guard !self.truncated else { return }  // the kept prefix is final
        var removed = 0
        while let last = self.line.last, last & 0xC0 == 0x80, removed < 3 {
            self.line.removeLast()
            removed += 1
        }
        if !self.line.isEmpty { self.line.removeLast() }
    }

    private mutating func endLine(emit: (TelnetEvent) -> Void) {
        if self.truncated { Self.dropIncompleteScalar(&self.line) }
        // Invalid UTF-8 becomes U+FFFD; C1 controls (U+0080–U+009F, e.g. CSI) are dropped too.
        var text = String(decoding: self.line, as: UTF8.self)
        if text.unicodeScalars.contains(where: { (0x80...0x9F).contains($0.value) }) {
            text.unicodeScalars.removeAll { (0x80...0x9F).contains($0.value) }
        }
        self.line.removeAll(keepingCapacity: true)
        self.truncated = false
        emit(.line(text))
    }

    /// A cut at `limit` bytes may split a scalar; drop its first bytes rather than show U+FFFD.
    static func dropIncompleteScalar(_ bytes: inout [UInt8]) {
        guard let leadIndex = bytes.lastIndex(where: { $0 & 0xC0 != 0x80 }) else { return }
        let lead = bytes[leadIndex]
        let length: Int
        switch lead {
        case 0xC0...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF7: length = 4
        default: length = 1
        }
        if bytes.count - leadIndex < length {
            bytes.removeSubrange(leadIndex...)
        }
    }
}
