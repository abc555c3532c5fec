import Foundation
import Synchronization

/// `/regex/` lore keys, compiled once per process and shared: a story's few patterns are
/// checked at every step of every world, and compiling one costs ICU milliseconds.
final class LorePatternCache: Sendable {
    static let shared = LorePatternCache()

    /// nil for a pattern that does not compile, so it is not tried again either.
    private let compiled = Mutex<[String: Compiled]>([:])

    private struct Compiled: @unchecked Sendable {
        // NSRegularExpression is immutable after init and safe to match from any thread.
        let expression: NSRegularExpression?
    }

    func expression(for pattern: String) -> NSRegularExpression? {
        if let known = compiled.withLock({ $0[pattern] }) { return known.expression }
        let expression = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
        compiled.withLock { cache in
            // Story files are few and checked before use; the cap only guards a stream of new ones.
            if cache.count >= 4096 { cache.removeAll() }
            cache[pattern] = Compiled(expression: expression)
        }
        return expression
    }
}
