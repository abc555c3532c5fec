import FableCore
@testable import FableLLM
import FableStub
import Foundation
import Testing

@Suite(.timeLimit(.minutes(1))) struct ModelServerProbeTests {
    @Test func llamaCppsModelListNamesItsServer() {
        let list = #"{"object":"list","data":[{"id":"smollm2","object":"model","owned_by":"llamacpp","meta":{"n_ctx":4096}}]}"#
        #expect(ModelServerProbe.kind(ofModelList: Array(list.utf8)) == .llamaCpp)
        let hosted = #"{"object":"list","data":[{"id":"gpt-4o","object":"model","owned_by":"system"}]}"#
        #expect(ModelServerProbe.kind(ofModelList: Array(hosted.utf8)) == .openAICompatible)
        #expect(ModelServerProbe.kind(ofModelList: Array("not json".utf8)) == .openAICompatible)
    }

    @Test func aStandardServerIsNotTakenForLlamaCppAndNoChatReplyIsSpent() async throws {
        try await StubLLMServer.serving(script: { _ in .stream(content: "{}") }) { server in
            // A generous time-out: the suite starts with hundreds of tests beside it on two cores.
            #expect(await ModelServerProbe.identify(baseURL: server.url, apiKey: nil, timeout: 30) == .openAICompatible)
            #expect(server.requests.isEmpty, "the model list is not a chat request")
        }
    }

    @Test func nothingListeningLeavesTheKindUndecided() async throws {
        let server = try await StubLLMServer.start(script: { _ in .status(404) })
        let url = server.url
        await server.stop()
        #expect(await ModelServerProbe.identify(baseURL: url, apiKey: nil) == nil)
    }
}
