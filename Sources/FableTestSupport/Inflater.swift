import CZlib

/// Reads a zlib stream (RFC 1950) as a MUD client reads MCCP2: with zlib's largest window, so
/// any stream a server writes can be read.
public final class Inflater {
    public struct Failure: Error, CustomStringConvertible {
        public let code: Int32
        public var description: String { "zlib error \(code)" }
    }

    private let stream: UnsafeMutablePointer<z_stream>
    /// The stream's end (Z_STREAM_END) has been read.
    public private(set) var ended = false

    public init() throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = fable_inflate_init(stream, 15)
        guard code == Z_OK else {
            stream.deallocate()
            throw Failure(code: code)
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// The bytes `input` decompresses to. Bytes after the stream's end are not read: `consumed`
    /// says how many of `input` were.
    public func inflate(_ input: [UInt8]) throws -> (output: [UInt8], consumed: Int) {
        guard !ended, !input.isEmpty else { return ([], 0) }
        var output: [UInt8] = []
        var consumed = 0
        var chunk = [UInt8](repeating: 0, count: 4096)
        try input.withUnsafeBufferPointer { source in
            stream.pointee.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.pointee.avail_in = uInt(source.count)
            defer {
                consumed = source.count - Int(stream.pointee.avail_in)
                stream.pointee.next_in = nil
                stream.pointee.avail_in = 0
            }
            while true {
                let (code, produced) = chunk.withUnsafeMutableBufferPointer { space -> (Int32, Int) in
                    stream.pointee.next_out = space.baseAddress
                    stream.pointee.avail_out = uInt(space.count)
                    let code = CZlib.inflate(stream, Z_SYNC_FLUSH)
                    return (code, space.count - Int(stream.pointee.avail_out))
                }
                output += chunk[..<produced]
                switch code {
                case Z_STREAM_END:
                    ended = true
                    return
                case Z_OK where stream.pointee.avail_in > 0 || produced == chunk.count:
                    continue
                case Z_OK, Z_BUF_ERROR:
                    return  // everything given so far is out
                default:
                    throw Failure(code: code)
                }
            }
        }
        return (output, consumed)
    }
}
