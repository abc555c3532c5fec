import FableCore
import Foundation
import FuzzKit

/// Fuzzes the streaming `PassageStreamDecoder` and the reply parser `StepReply.parse`
/// (with `ReplyValidator` after it), as the engine uses them on a model's reply.
///
/// Input: byte 0 seeds where the reply is split, bytes 1… are the reply.
///
/// Checks: the decoder gives the same passage however the bytes (or, as the engine feeds it,
/// the text) are split — inside escapes, `\uXXXX` pairs, UTF-8 sequences; and whenever
/// `StepReply.parse` accepts the reply, the passage the reader saw streamed is exactly the
/// passage that is parsed (and committed), and the decoder saw it end.
enum PassageHarness {
    static let validator = ReplyValidator(settings: StorySettings())

    static func check(_ input: UnsafeRawBufferPointer) -> String? {
        guard input.count >= 1 else { return nil }
        var random = FuzzRandom(seed: UInt64(input[0]) &* 0x1_0000_0001 &+ UInt64(input.count))
        let bytes = Array(input[1...])

        // Raw bytes, whole and split anywhere.
        var whole = PassageStreamDecoder()
        let wholePassage = whole.feed(bytes: bytes)
        var split = PassageStreamDecoder()
        var splitPassage = ""
        for range in random.chunks(count: bytes.count) {
            splitPassage += split.feed(bytes: bytes[range])
        }
        if splitPassage != wholePassage || split.passageFinished != whole.passageFinished {
            return "split bytes give another passage: \(splitPassage.debugDescription) vs \(wholePassage.debugDescription)"
        }

        // Text, as the engine feeds content deltas, split between characters.
        let text = String(decoding: bytes, as: UTF8.self)
        let characters = Array(text)
        var streamed = PassageStreamDecoder()
        var streamedPassage = ""
        for range in random.chunks(count: characters.count) {
            streamedPassage += streamed.feed(String(characters[range]))
        }
        var textWhole = PassageStreamDecoder()
        let textPassage = textWhole.feed(text)
        if streamedPassage != textPassage {
            return "split text gives another passage: \(streamedPassage.debugDescription) vs \(textPassage.debugDescription)"
        }
        if text.utf8.elementsEqual(bytes), textPassage != wholePassage {
            return "text and bytes give another passage: \(textPassage.debugDescription) vs \(wholePassage.debugDescription)"
        }

        // What is parsed and committed is what the reader saw.
        guard let reply = try? StepReply.parse(text) else { return nil }
        if !textWhole.passageFinished {
            return "the reply parses but the decoder never saw the passage end (streamed \(textPassage.debugDescription))"
        }
        if textPassage != reply.passage {
            return "streamed \(textPassage.debugDescription) but parsed \(reply.passage.debugDescription)"
        }
        for opening in [false, true] {
            if let content = try? validator.validate(reply, opening: opening), content.options.count != 3 {
                return "a valid reply has \(content.options.count) options"
            }
        }
        return nil
    }
}
