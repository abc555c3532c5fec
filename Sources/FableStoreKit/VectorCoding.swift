import Foundation

/// Vectors on disk. A piece's vector: its scale (little-endian Float32), then one signed byte a
/// dimension (`QuantizedVector`, as dense search keeps it in memory): a quarter of the floats'
/// size, at a cosine error far below the gaps that rank passages. Neighbour lists: Float32.
package enum VectorCoding {
    package static func encodeBytes(_ vector: [Float]) -> Data {
        let quantized = QuantizedVector(vector)
        var data = Data(capacity: 4 + vector.count)
        withUnsafeBytes(of: quantized.scale.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        quantized.codes.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }

    package static func decodeBytes(_ data: Data) -> [Float]? {
        guard data.count > 4 else { return nil }
        return data.withUnsafeBytes { raw in
            let scale = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt32.self)))
            return (4..<data.count).map { Float(Int8(bitPattern: raw[$0])) * scale }
        }
    }

    package static func encode(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    package static func decode(_ data: Data) -> [Float]? {
        guard data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { index in
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
            }
        }
    }
}
