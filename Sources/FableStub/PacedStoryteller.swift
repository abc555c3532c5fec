import FableCore
import Foundation

/// `StubStoryteller`'s replies at a model's pace, for `fable load`: each streamed one token
/// at a time (`StubPacing`), numbered by its request, so its passage starts "Step N." and a
/// reader's client can find its marks in `record`: when the request arrived, and when the
/// tokens holding the passage's first character, completing its first word, and letting the
/// passage gate show it (`PassageGate.heldCharacters`) were written.
public final class PacedStoryteller: Sendable {
    public let pacing: StubPacing
    public let record = StubRecord()
    private let storyteller = StubStoryteller()

    public init(pacing: StubPacing) {
        self.pacing = pacing
    }

    /// The script for `StubLLMServer`.
    public func script() -> StubScript {
        { request in
            let (number, content) = self.storyteller.nextNumberedReply(opening: request.asksForOutline)
            self.record.requested(number)
            let chunks = Self.passageChunks(content, charsPerToken: self.pacing.charsPerToken)
            return .stream(content: content, chunkSize: self.pacing.charsPerToken, firstChunkDelay: self.pacing.firstToken,
                           chunkDelay: self.pacing.interval,
                           watcher: Watcher(number: number, passage: chunks?.passage, word: chunks?.word,
                                            released: chunks?.released, record: self.record))
        }
    }

    /// The tokens (0-based) holding the passage's first character, the end of its first word,
    /// and the character that lets the passage gate show it (its `heldCharacters`th, or the
    /// passage's end when it is shorter), in `content` cut into tokens of `charsPerToken`
    /// characters; nil without a passage.
    public static func passageChunks(_ content: String, charsPerToken: Int) -> (passage: Int, word: Int, released: Int)? {
        guard let key = content.range(of: #""passage":""#) else { return nil }
        let size = max(1, charsPerToken)
        let first = content.distance(from: content.startIndex, to: key.upperBound)
        let rest = content[key.upperBound...]
        let space = rest.firstIndex(where: { $0 == " " || $0 == "\"" }) ?? rest.endIndex
        let wordEnd = content.distance(from: content.startIndex, to: space)
        let passageEnd = first + (rest.firstIndex(of: "\"").map { rest.distance(from: rest.startIndex, to: $0) } ?? rest.count)
        let released = min(passageEnd, first + PassageGate.heldCharacters - 1)
        let tokens = (content.count + size - 1) / size
        return (first / size, min(tokens - 1, wordEnd / size), min(tokens - 1, released / size))
    }

    private struct Watcher: StreamWatcher {
        let number: Int
        let passage: Int?
        let word: Int?
        let released: Int?
        let record: StubRecord

        func writing(chunk index: Int) {
            if index == passage { record.markPassage(number) }
            if index == word { record.markWord(number) }
            if index == released { record.markReleased(number) }
        }

        func ended(chunks: Int, completed: Bool) {
            record.ended(tokens: chunks, completed: completed)
        }
    }
}
