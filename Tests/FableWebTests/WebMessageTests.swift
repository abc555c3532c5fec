import FableTelnet
import FableWeb
import Foundation
import Testing

@Suite struct WebMessageTests {
    @Test func screenTextIsOneJSONStringWithItsLineBreaks() throws {
        let json = try #require(WebMessage.json(for: .text("The bell \"rings\"\n\\ once.\t\u{1}")))
        #expect(json == #"{"type":"text","text":"The bell \"rings\"\n\\ once.\t\u0001"}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(object["text"] == "The bell \"rings\"\n\\ once.\t\u{1}")
    }

    @Test func textInAnyScriptStaysAsUTF8() throws {
        let text = "Mara räumt 鐘 auf 🔔 \u{2028}"
        let json = try #require(WebMessage.json(for: .text(text)))
        #expect(json.contains("鐘") && json.contains("🔔") && json.contains("\\u2028"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(object["text"] == text)
    }

    @Test func passwordEntryAndStructuredMessages() {
        #expect(WebMessage.json(for: .hideInput(true)) == #"{"type":"input","hidden":true}"#)
        #expect(WebMessage.json(for: .hideInput(false)) == #"{"type":"input","hidden":false}"#)
        #expect(WebMessage.json(for: .gmcp(package: "Fable.Step", json: #"{"options":["a"],"step":2,"world":1}"#))
                == #"{"type":"gmcp","package":"Fable.Step","data":{"options":["a"],"step":2,"world":1}}"#)
        #expect(WebMessage.json(for: .gmcp(package: "Core.Ping", json: "")) == #"{"type":"gmcp","package":"Core.Ping","data":null}"#)
        #expect(WebMessage.json(for: .keepAlive) == nil)
    }
}
