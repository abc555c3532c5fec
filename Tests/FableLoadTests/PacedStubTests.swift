import FableCore
import FableLLM
import FableStub
import Testing

/// The paced stub `fable load` plays against: `StubLLMServer` with `PacedStoryteller`'s script.
@Suite(.timeLimit(.minutes(1))) struct PacedStubTests {
    @Test func theMarkedTokensHoldThePassagesFirstCharacterAndEndItsFirstWord() throws {
        let content = StubStoryteller.reply(number: 12, opening: true)
        for size in [1, 3, 4, 7] {
            let chunks = try #require(PacedStoryteller.passageChunks(content, charsPerToken: size))
            let tokens = Self.tokens(content, size: size)
            let start = #""passage":"S"#
            #expect(tokens[...chunks.passage].joined().contains(start), "size \(size)")
            #expect(!tokens[..<chunks.passage].joined().contains(start), "size \(size)")
            let word = #""passage":"Step "#
            #expect(tokens[...chunks.word].joined().contains(word), "size \(size)")
            #expect(!tokens[..<chunks.word].joined().contains(word), "size \(size)")
            // The gate shows the passage once its first `heldCharacters` characters are in.
            let passage = try #require(content.range(of: #""passage":""#)).upperBound
            let held = String(content[passage...].prefix(PassageGate.heldCharacters))
            #expect(tokens[...chunks.released].joined().contains(#""passage":""# + held), "size \(size)")
            #expect(!tokens[..<chunks.released].joined().contains(#""passage":""# + held), "size \(size)")
        }
        #expect(PacedStoryteller.passageChunks(#"{"memory":"x"}"#, charsPerToken: 4) == nil)
    }

    @Test func repliesStreamAtThePaceAndTheirMarksAreKept() async throws {
        let pacing = StubPacing(tokensPerSecond: 1_000, firstToken: .milliseconds(50), charsPerToken: 4)
        let storyteller = PacedStoryteller(pacing: pacing)
        try await StubLLMServer.serving(script: storyteller.script()) { server in
            let model = OpenAIChatClient(configuration: LLMConfiguration(baseURL: server.url, model: "stub"))
            let request = ChatRequest(messages: [ChatMessage(.user, "Go on.")], schemaName: ReplySchema.name,
                                      schema: ReplySchema.json(opening: false))
            let sent = ContinuousClock.now
            var text = ""
            for try await event in model.stream(request) {
                if case .content(let piece) = event { text += piece }
            }
            let ended = ContinuousClock.now
            let expected = StubStoryteller.reply(number: 1, opening: false)
            #expect(text == expected)
            let tokens = Self.tokens(expected, size: 4).count
            // The first token after 50 ms, then one a millisecond.
            #expect(ended - sent >= .milliseconds(50 + tokens - 1))

            let marks = try #require(storyteller.record.marks(of: 1))
            let passage = try #require(marks.passage)
            let word = try #require(marks.word)
            let chunks = try #require(PacedStoryteller.passageChunks(expected, charsPerToken: 4))
            #expect(sent <= marks.requested)
            #expect(passage - marks.requested >= .milliseconds(50 + chunks.passage))
            #expect(word >= passage && word <= ended)
            let counts = storyteller.record.snapshot
            #expect(counts.requests == 1 && counts.completed == 1 && counts.cut == 0)
            #expect(counts.tokens == tokens && counts.streaming == 0 && counts.mostStreaming == 1)
            #expect(storyteller.record.marks(of: 2) == nil)
        }
    }

    static func tokens(_ text: String, size: Int) -> [String] {
        var tokens: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            tokens.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return tokens
    }
}
