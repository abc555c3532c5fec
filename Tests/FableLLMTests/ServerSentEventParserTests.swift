@testable import FableLLM
import Testing

@Suite struct ServerSentEventParserTests {
    let body = "data: {\"a\":1}\n\n: comment\r\ndata: line one\r\ndata: line two\r\n\r\ndata:[DONE]\n\n"

    @Test func splitsEventsFedAnywhere() {
        let bytes = Array(body.utf8)
        for cut in 0...bytes.count {
            var parser = ServerSentEventParser()
            let events = parser.feed(bytes[..<cut]) + parser.feed(bytes[cut...])
            #expect(events == ["{\"a\":1}", "line one\nline two", "[DONE]"], "split at \(cut)")
        }
    }

    @Test func finishDispatchesAnUnterminatedEvent() {
        var parser = ServerSentEventParser()
        #expect(parser.feed(Array("data: last".utf8)).isEmpty)
        #expect(parser.finish() == "last")
    }

    @Test func theEndMarkerIsRecognisedWithSpacesAroundIt() {
        for marker in ["[DONE]", " [DONE]", "[DONE]\t ", "  [DONE]  "] {
            #expect(ChatStreamReader.isDoneMarker(marker), "\(marker.debugDescription)")
        }
        for other in ["", "[DONE", "DONE", "[DONE]]", "[done]", "x[DONE]", "[DONE] x", "{\"a\":1}"] {
            #expect(!ChatStreamReader.isDoneMarker(other), "\(other.debugDescription)")
        }
    }
}
