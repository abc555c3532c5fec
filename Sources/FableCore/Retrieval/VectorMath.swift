/// The little vector arithmetic dense retrieval needs.
public enum VectorMath {
    public static func dot(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "vectors of different dimensions")
        var sum: Float = 0
        for index in a.indices { sum += a[index] * b[index] }
        return sum
    }

    /// The dot product of two vectors read in place, sixteen lanes at a time (dense search
    /// scores thousands of them a step); nil if their sizes differ.
    public static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float? {
        guard a.count == b.count else { return nil }
        guard let x = a.baseAddress, let y = b.baseAddress else { return 0 }
        let lanesX = UnsafeRawPointer(x)
        let lanesY = UnsafeRawPointer(y)
        var first = SIMD8<Float>()
        var second = SIMD8<Float>()
        var index = 0
        while index + 16 <= a.count {
            let offset = index * MemoryLayout<Float>.stride
            first += lanesX.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
                * lanesY.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            second += lanesX.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
                * lanesY.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self)
            index += 16
        }
        var sum = (first + second).sum()
        while index < a.count {
            sum += x[index] * y[index]
            index += 1
        }
        return sum
    }

    public static func norm(_ vector: [Float]) -> Float {
        dot(vector, vector).squareRoot()
    }

    /// The vector scaled to length 1, or nil when it is empty, zero or not finite.
    public static func normalized(_ vector: [Float]) -> [Float]? {
        let length = norm(vector)
        guard !vector.isEmpty, length.isFinite, length > 0 else { return nil }
        return vector.map { $0 / length }
    }
}
