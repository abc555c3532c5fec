import FableCore
import Testing

/// The percentiles every benchmark and `@stats` print.
@Suite struct SamplesTests {
    @Test func percentilesAreNearestRank() {
        let samples = Samples((1...100).reversed().map(Double.init))
        #expect(samples.percentiles([0.5, 0.95, 0.99, 1]) == [50, 95, 99, 100])
        #expect(Samples([7, 3]).percentile(0.5) == 3)
        #expect(Samples().percentile(0.99) == 0)
        #expect(samples.summary() == "p50 50.0 / p95 95.0 / p99 99.0 ms (n = 100)")
    }

    @Test func durationsInMilliseconds() {
        #expect(Duration.milliseconds(1_500).milliseconds == 1_500)
        #expect(Duration.microseconds(250).milliseconds == 0.25)
        #expect(Duration.seconds(-2).milliseconds == -2_000)
    }
}
