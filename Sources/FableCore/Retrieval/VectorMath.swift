/// The little vector arithmetic dense retrieval needs.
public enum VectorMath {
    public static func dot(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "vectors of different dimensions")
        var sum: Float = 0
        for index in a.indices { sum += a[index] * b[index] }
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
