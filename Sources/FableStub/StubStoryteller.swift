import FableCore
import Foundation
import Synchronization

/// Writes valid, deterministic replies, so long runs can be played against the stub.
/// Each passage names its step and draws its words from a fixed vocabulary, so
/// long-term search has something real to rank. `plant` puts chosen words in a step.
public final class StubStoryteller: Sendable {
    private let count = Mutex(0)
    private let planted: [Int: String]
    private let options: [Int: [String]]
    private let passageWords: Int

    /// `planted[n]`: a sentence that appears only in the passage of reply n (1-based);
    /// `options[n]`: the options of reply n instead of its own.
    public init(planted: [Int: String] = [:], options: [Int: [String]] = [:], passageWords: Int = 140) {
        self.planted = planted
        self.options = options
        self.passageWords = passageWords
    }

    /// The script for `StubLLMServer`: streams the next reply.
    public func script(chunkSize: Int = 12, chunkDelay: Duration = .zero,
                       firstChunkDelay: Duration = .zero) -> StubScript {
        { request in
            .stream(content: self.nextReply(opening: request.asksForOutline),
                    chunkSize: chunkSize, firstChunkDelay: firstChunkDelay, chunkDelay: chunkDelay)
        }
    }

    /// The JSON of the next reply.
    public func nextReply(opening: Bool) -> String {
        nextNumberedReply(opening: opening).content
    }

    /// The next reply and its number (1-based): the N of its passage's "Step N.".
    public func nextNumberedReply(opening: Bool) -> (number: Int, content: String) {
        let n = count.withLock { value in
            value += 1
            return value
        }
        return (n, Self.reply(number: n, opening: opening, planted: planted[n], options: options[n],
                              passageWords: passageWords))
    }

    public static func reply(number n: Int, opening: Bool, planted: String? = nil, options: [String]? = nil,
                             passageWords: Int = 140) -> String {
        var words: [String] = []
        var seed = UInt64(n) &* 6364136223846793005 &+ 1442695040888963407
        for _ in 0..<passageWords {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            words.append(vocabulary[Int((seed >> 33) % UInt64(vocabulary.count))])
        }
        var passage = "Step \(n). " + words.joined(separator: " ") + "."
        if let planted { passage += " " + planted }
        var reply: [String: Any] = [:]
        var keys: [String] = []
        if opening {
            reply["outline"] = "A traveller crosses the marsh kingdom to find the lost bell and ring it before winter."
            keys.append("outline")
        }
        reply["passage"] = passage
        reply["memory_change"] = "Dropped the details of step \(n - 1); added what happened in step \(n)."
        reply["memory"] = "The traveller is in the marsh kingdom looking for the lost bell. "
            + "Step \(n) just happened: \(words.prefix(20).joined(separator: " ")). Winter is near."
        reply["index_line"] = "In step \(n) the traveller meets the \(words[0]) near the \(words[1])."
        reply["options"] = options ?? ["Follow the \(words[2]) (\(n)a).", "Ask about the \(words[3]) (\(n)b).",
                                       "Rest by the \(words[4]) (\(n)c)."]
        keys += ["passage", "memory_change", "memory", "index_line", "options"]
        // Field order matters to streaming: encode in the contract's order.
        let fields = keys.map { key -> String in
            let value = (try? JSONSerialization.data(withJSONObject: reply[key]!, options: [.fragmentsAllowed])) ?? Data()
            return "\"\(key)\":" + String(decoding: value, as: UTF8.self)
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static let vocabulary = [
        "heron", "lantern", "ferryman", "reed", "mist", "causeway", "willow", "otter", "peat", "bell",
        "toll", "harbour", "miller", "sluice", "eel", "barge", "tower", "chapel", "smith", "ember",
        "frost", "rope", "net", "gull", "stone", "ridge", "weir", "orchard", "cellar", "ledger",
        "cloak", "compass", "chart", "candle", "shrine", "pilgrim", "raft", "marsh", "drum", "banner",
        "sentry", "gate", "wolf", "hound", "falcon", "cart", "wheel", "granary", "beacon", "tide",
    ]
}
