import Foundation
import Testing

/// The seed of a test's random inputs: a new one each run, so runs try different inputs,
/// or `FABLE_TEST_SEED` when set, so a failure can be run again exactly. The seed is
/// printed when drawn, which a crash cannot lose, and a failing check names it (`replay`).
enum TestSeed {
    static let variable = "FABLE_TEST_SEED"

    static func make(_ test: String = #function) -> UInt64 {
        let seed: UInt64
        if let text = ProcessInfo.processInfo.environment[variable] {
            if let given = UInt64(text) {
                seed = given
            } else {
                Issue.record("\(variable)=\(text) is not a seed (a decimal UInt64)")
                seed = UInt64.random(in: .min ... .max)
            }
        } else {
            seed = UInt64.random(in: .min ... .max)
        }
        print("\(test): random inputs from \(replay(seed))")
        return seed
    }

    /// How to run the test again with the inputs that failed.
    static func replay(_ seed: UInt64) -> String { "seed \(seed): replay with \(variable)=\(seed)" }
}
