import FableCore
@testable import FableLLM
import Testing

@Suite struct ServerSentEventParserTests {
    let body = "data: {\"a\":1}\n\n: comment\r\ndata: line one\r\ndata: line two\r\n\r\ndata:[DONE]\n\n"

    @Test func splitsEventsFedAnywhere() {
        let bytes = Array(body.utf8)
        for cut in 0...bytes.count {
            var parser = ServerSentEventParser()
            let events = (parser.feed(bytes[..<cut]) + parser.feed(bytes[cut...])).map { String(decoding: $0, as: UTF8.self) }
            #expect(events == ["{\"a\":1}", "line one\nline two", "[DONE]"], "split at \(cut)")
        }
    }

    @Test func finishDispatchesAnUnterminatedEvent() {
        var parser = ServerSentEventParser()
        #expect(parser.feed(Array("data: last".utf8)).isEmpty)
        #expect(parser.finish() == Array("last".utf8))
    }

    @Test func theEndMarkerIsRecognisedWithSpacesAroundIt() {
        for marker in ["[DONE]", " [DONE]", "[DONE]\t ", "  [DONE]  "] {
            #expect(ChatStreamReader.isDoneMarker(Array(marker.utf8)), "\(marker.debugDescription)")
        }
        for other in ["", "[DONE", "DONE", "[DONE]]", "[done]", "x[DONE]", "[DONE] x", "{\"a\":1}"] {
            #expect(!ChatStreamReader.isDoneMarker(Array(other.utf8)), "\(other.debugDescription)")
        }
    }

    /// A chunk with a byte that is not UTF-8 still streams its text, the bad byte as U+FFFD
    /// (as reading the event as text would make it), and the valid chunks around it are unchanged.
    @Test func anInvalidByteInAChunkBecomesAReplacementCharacter() throws {
        var reader = ChatStreamReader()
        let good = Array(#"data: {"choices":[{"delta":{"content":"Step 1."},"finish_reason":null}]}"#.utf8) + [0x0A, 0x0A]
        let bad = Array(#"data: {"choices":[{"delta":{"content":"caf"#.utf8) + [0xE9]
            + Array(#""},"finish_reason":null}]}"#.utf8) + [0x0A, 0x0A]
        let end = Array("data: [DONE]\n\n".utf8)
        var events: [ChatEvent] = []
        for part in [good, bad, end] {
            events += try part.withUnsafeBytes { try reader.feed($0) }
        }
        #expect(events.count == 3)
        #expect(events.first == .content("Step 1."))
        #expect(events.dropFirst().first == .content("caf\u{FFFD}"))
        #expect(reader.done)
    }
}
