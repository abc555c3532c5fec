import Synchronization

/// How many of the model's own tokens a prompt makes for each token `TextMeasure` estimates,
/// learnt from the token counts the server reports. The estimate (about four bytes a token)
/// runs low for some tokenizers; scaling the budget by the server's counts keeps real prompts
/// within it. It rises at once and falls slowly, and never goes below one.
final class TokenCalibration: Sendable {
    private let ratio = Mutex<Double>(1)

    func learn(estimated: Int, actual: Int) {
        guard estimated > 0, actual > 0 else { return }
        let observed = Double(actual) / Double(estimated)
        ratio.withLock { $0 = max(1, observed, 0.9 * $0 + 0.1 * observed) }
    }

    /// The estimated tokens that make `tokens` of the model's.
    func budget(_ tokens: Int) -> Int {
        Int(Double(tokens) / ratio.withLock { $0 })
    }
}
