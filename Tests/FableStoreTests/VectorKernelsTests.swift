import CVectorKernels
import Testing

/// The C loops of dense search give exactly what the plain sums give, at every length (the
/// vector instructions take 16 or 32 bytes at a time, and the rest one by one).
struct VectorKernelsTests {
    private struct Random {
        var state: UInt64
        mutating func byte() -> Int8 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int8(truncatingIfNeeded: state >> 33)
        }
        mutating func word() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state ^ (state >> 29)
        }
    }

    @Test(arguments: [0, 1, 15, 16, 31, 32, 33, 64, 100, 384, 1_000])
    func aDotProductIsTheSumOfTheProducts(length: Int) {
        var random = Random(state: UInt64(length) + 3)
        let a = (0..<length).map { _ in random.byte() }
        let b = (0..<length).map { _ in random.byte() }
        let sum = zip(a, b).reduce(Int32(0)) { $0 + Int32($1.0) * Int32($1.1) }
        #expect(fable_dot_i8(a, b, length) == sum)
        // The extremes: every product at its largest.
        let low = [Int8](repeating: -128, count: length)
        #expect(fable_dot_i8(low, low, length) == Int32(length) * 16_384)
    }

    @Test func rowsAreEachTheirOwnDotProduct() {
        var random = Random(state: 9)
        let length = 64
        let query = (0..<length).map { _ in random.byte() }
        let rows = (0..<37 * length).map { _ in random.byte() }
        var products = [Int32](repeating: 0, count: 37)
        fable_dot_i8_rows(query, rows, length, 37, &products)
        for row in 0..<37 {
            let vector = rows[row * length ..< (row + 1) * length]
            #expect(products[row] == zip(query, vector).reduce(Int32(0)) { $0 + Int32($1.0) * Int32($1.1) })
        }
    }

    @Test func hammingDistancesAndTheirHistogram() {
        var random = Random(state: 21)
        let words = (0..<1_000).map { _ in random.word() } + [0, .max]
        let query = random.word()
        var distances = [UInt8](repeating: 0, count: words.count)
        var histogram = [Int32](repeating: 0, count: 65)
        fable_hamming64(words, words.count, query, &distances, &histogram)
        #expect(distances == words.map { UInt8(($0 ^ query).nonzeroBitCount) })
        #expect(histogram == (0...64).map { bits in Int32(distances.count { $0 == bits }) })
        // Added into, not overwritten: a second run doubles every count.
        fable_hamming64(words, words.count, query, &distances, &histogram)
        #expect(histogram.reduce(0, +) == Int32(2 * words.count))
    }
}
