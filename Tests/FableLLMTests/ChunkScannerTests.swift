@testable import FableLLM
import Testing

@Suite struct ChunkScannerTests {
    /// Chunks as llama.cpp and OpenAI stream them, and a few harder ones.
    static let chunks = [
        #"{"choices":[{"finish_reason":null,"index":0,"delta":{"content":"Step 5. The"}}],"created":1732800000,"id":"chatcmpl-x","model":"smollm2","system_fingerprint":"b1-abc","object":"chat.completion.chunk"}"#,
        #"{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]}"#,
        #"{"choices":[{"finish_reason":"stop","index":0,"delta":{}}],"usage":null}"#,
        #"{"choices":[{"delta":{"content":"\"quoted\" \\ \/ \b\f\n\r\t \u00e9 \ud83d\ude00 中文 é"},"finish_reason":null}]}"#,
        #" { "choices" : [ { "delta" : { "content" : "spaced" } , "finish_reason" : "length" } , {"delta":{"content":"second"}} ] } "#,
        #"{"id":"chat\"cmpl","model":"modèle-ü","choices":[{"delta":{"content":"ok"},"finish_reason":null}],"clé":["é"]}"#,
        #"{"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5}}"#,
        #"{"error":{"message":"boom","code":500}}"#,
        #"{"choices":[{"delta":{"content":null},"finish_reason":null,"extra":[1,-2.5e3,true,false,null,{"a":[]}]}]}"#,
        #"{"choices":[{"delta":{"content":"a","content":"b"}}]}"#,
        #"{"choices":[{"delta":{"con\u0074ent":"escaped key"}}]}"#,
        #"{"choices":[{"delta":{"content":"\ud800 lone"}}]}"#,
        #"{"choices":[{"delta":{"content":"x"}}]} trailing"#,
    ]

    @Test func readsTheCommonChunks() {
        #expect(ChunkScanner.delta(in: Array(Self.chunks[0].utf8)) == .init(content: "Step 5. The", finishReason: nil))
        #expect(ChunkScanner.delta(in: Array(Self.chunks[1].utf8)) == .init(content: "", finishReason: nil))
        #expect(ChunkScanner.delta(in: Array(Self.chunks[2].utf8)) == .init(content: nil, finishReason: "stop"))
        #expect(ChunkScanner.delta(in: Array(Self.chunks[3].utf8))?.content
            == "\"quoted\" \\ / \u{8}\u{C}\n\r\t é 😀 中文 é")
        #expect(ChunkScanner.delta(in: Array(Self.chunks[4].utf8)) == .init(content: "spaced", finishReason: "length"))
        #expect(ChunkScanner.delta(in: Array(Self.chunks[5].utf8)) == .init(content: "ok", finishReason: nil),
                "skipped values and keys with escapes and non-ASCII letters")
    }

    @Test func leavesWhatItDoesNotFullyUnderstandToTheDecoder() {
        for index in 6..<Self.chunks.count where index != 8 {
            #expect(ChunkScanner.delta(in: Array(Self.chunks[index].utf8)) == nil, "\(Self.chunks[index])")
        }
        #expect(ChunkScanner.delta(in: Array(Self.chunks[8].utf8)) == .init(content: nil, finishReason: nil))
    }

    /// Whatever the scanner accepts, JSONDecoder reads the same way: every chunk above, cut at
    /// every length, with every byte deleted, and with every byte replaced by JSON's special ones.
    @Test func agreesWithJSONDecoderOnEveryMutation() {
        var accepted = 0
        let specials = Array(#"{}[]":,\ u0n"#.utf8) + [0x00, 0x1F, 0xC3, 0xFF]
        for chunk in Self.chunks {
            let bytes = Array(chunk.utf8)
            var variants: [[UInt8]] = [bytes]
            for length in 0..<bytes.count { variants.append(Array(bytes[..<length])) }
            for index in bytes.indices {
                var deleted = bytes
                deleted.remove(at: index)
                variants.append(deleted)
                for special in specials where special != bytes[index] {
                    var replaced = bytes
                    replaced[index] = special
                    variants.append(replaced)
                }
            }
            for variant in variants {
                guard let fast = ChunkScanner.delta(in: variant) else { continue }
                accepted += 1
                let decoded = ChatStreamReader.decodedDelta(variant)
                #expect(decoded?.delta == fast, "\(String(decoding: variant, as: UTF8.self))")
                #expect(decoded?.usageOrError == false, "\(String(decoding: variant, as: UTF8.self))")
            }
        }
        #expect(accepted > 500, "the mutations keep many chunks valid")
    }
}
