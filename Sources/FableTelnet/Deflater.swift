import CZlib
import NIOCore

/// One zlib stream (RFC 1950) being written, for MCCP2. Allocates all its memory when made
/// (zlib takes nothing more while compressing) and gives it back in `end` or when released.
final class Deflater {
    enum Flush {
        /// Everything given so far comes out, ending on a byte boundary (Z_SYNC_FLUSH): the
        /// reader's client can show it at once. The stream goes on.
        case sync
        /// The stream ends (Z_FINISH): the client sees its end and reads plain bytes again.
        case finish
    }

    struct Failure: Error, CustomStringConvertible {
        let code: Int32
        var description: String { "zlib error \(self.code)" }
    }

    private let stream: UnsafeMutablePointer<z_stream>
    /// What zlib asked for through `zalloc`, counted (its state, window and hash tables).
    private let allocated: UnsafeMutablePointer<Int>
    private(set) var isEnded = false

    /// `windowBits` 9…15 and `memoryLevel` 1…9 set the memory the stream holds: zlib's state
    /// (about 6 KiB) plus 2^(windowBits+2) bytes for the window plus 2^(memoryLevel+9) for
    /// the hash table and the pending output.
    init(level: Int32 = Z_DEFAULT_COMPRESSION, windowBits: Int32, memoryLevel: Int32) throws {
        self.stream = .allocate(capacity: 1)
        self.stream.initialize(to: z_stream())
        self.allocated = .allocate(capacity: 1)
        self.allocated.initialize(to: 0)
        self.stream.pointee.opaque = UnsafeMutableRawPointer(self.allocated)
        self.stream.pointee.zalloc = { opaque, items, size in
            let bytes = Int(items) * Int(size)
            opaque?.assumingMemoryBound(to: Int.self).pointee += bytes
            return UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
        }
        self.stream.pointee.zfree = { _, address in address?.deallocate() }
        let code = fable_deflate_init(self.stream, level, windowBits, memoryLevel)
        guard code == Z_OK else {
            self.isEnded = true
            throw Failure(code: code)
        }
    }

    deinit {
        if !self.isEnded { deflateEnd(self.stream) }
        self.stream.deinitialize(count: 1)
        self.stream.deallocate()
        self.allocated.deallocate()
    }

    /// Bytes zlib allocated for this stream.
    var allocatedBytes: Int { self.allocated.pointee }

    /// Compresses `input` into a new buffer. After `.finish` the stream is ended.
    func compress(_ input: ByteBuffer, flush: Flush, allocator: ByteBufferAllocator) throws -> ByteBuffer {
        precondition(!self.isEnded, "a zlib stream used after its end")
        var output = allocator.buffer(capacity: input.readableBytes + input.readableBytes / 64 + 32)
        let mode = flush == .sync ? Z_SYNC_FLUSH : Z_FINISH
        try input.withUnsafeReadableBytes { bytes in
            self.stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
            self.stream.pointee.avail_in = uInt(bytes.count)
            defer {
                self.stream.pointee.next_in = nil
                self.stream.pointee.avail_in = 0
            }
            while true {
                var code = Z_OK
                var produced = 0
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: 64) { space in
                    self.stream.pointee.next_out = space.baseAddress?.assumingMemoryBound(to: Bytef.self)
                    self.stream.pointee.avail_out = uInt(space.count)
                    code = deflate(self.stream, mode)
                    produced = space.count - Int(self.stream.pointee.avail_out)
                    return produced
                }
                let full = self.stream.pointee.avail_out == 0
                self.stream.pointee.next_out = nil
                self.stream.pointee.avail_out = 0
                switch code {
                case Z_STREAM_END:
                    return
                case Z_OK:
                    // A full output buffer may hold back more; otherwise a sync flush is complete.
                    if full { continue }
                    if flush == .sync { return }
                    if produced > 0 { continue }
                    throw Failure(code: code)
                case Z_BUF_ERROR where flush == .sync && produced == 0:
                    return  // nothing was left to flush
                default:
                    throw Failure(code: code)
                }
            }
        }
        if flush == .finish { self.end() }
        return output
    }

    /// Gives zlib's memory back; the stream is unusable afterwards.
    func end() {
        guard !self.isEnded else { return }
        self.isEnded = true
        deflateEnd(self.stream)
    }
}
