import FableTestSupport
import FableCore
import FableEngine
import FableServer
import FableStub
import Foundation
import Synchronization
import Testing

/// A reply whose passage is good but whose options are not, over real sockets: the reader's
/// passage stays, one short repair request is made, and none of the validator's words reach
/// the reader.
@Suite(.serialized) struct ReplyRepairTests {
    @Test func aGoodPassageWithBrokenOptionsIsKeptAndOnlyTheOptionsAreAskedForAgain() async throws {
        let broken = #"{"passage":"The lantern gutters as you step onto the reed bridge, and somewhere below a bell answers.","memory_change":"Added the reed bridge.","memory":"You cross the reed bridge toward the sound of the bell.","index_line":"You step onto the reed bridge and hear the bell.","options":["index_line:","Go on","go on"]}"#
        let requests = Mutex(0)
        try await ServerHarness.with(script: { request in
            let number = requests.withLock { $0 += 1; return $0 }
            if number == 2 { return .stream(content: broken, chunkSize: 9) }
            return .stream(content: StubStoryteller.reply(number: number, opening: request.asksForOutline), chunkSize: 7)
        }) { harness in
            let client = try await harness.login("ines")
            try await client.say("new marsh", expect: "  3. ", timeout: .seconds(20))
            try await client.waitFor("> ")
            let mark = client.transcript.count
            try await client.say("I follow the lantern", expect: "  3. ", timeout: .seconds(20))
            let shown = String(client.transcript.dropFirst(mark))

            // The passage was shown once, then a neutral notice, then the mended options.
            let passage = try #require(shown.range(of: "bell answers."))
            let notice = try #require(shown.range(of: ReaderNotice.repairing([.options])))
            let repaired = PartialReply.read(StubStoryteller.reply(number: 3, opening: false)).options ?? []
            let firstOption = try #require(shown.range(of: "  1. " + repaired[0].prefix(12)))
            #expect(passage.upperBound <= notice.lowerBound && notice.upperBound <= firstOption.lowerBound, "\(shown)")
            #expect(shown.components(separatedBy: "The lantern gutters").count == 2, "the passage is shown once")
            for words in ["not a whole sentence", "options repeat", "index_line", "storyteller lost the thread", "unusable"] {
                #expect(!shown.contains(words), "\(words) reached the reader: \(shown)")
            }

            // One repair request: the prompt, and a note with the passage asking for the options only.
            let sent = harness.stub.requests
            #expect(sent.count == 3)
            let repair = try #require(sent.last)
            #expect(repair.messages.count == 3 && repair.messages[2].role == .user)
            #expect(repair.messages[2].content.contains("bell answers.") && repair.messages[2].content.contains("options"))
            let body = String(decoding: repair.body, as: UTF8.self)
            #expect(body.contains(ReplySchema.repairName) && !body.contains(#""passage":{"#))

            // The step keeps the passage the reader read and the repaired options.
            let account = try #require(try await harness.store.account(name: "ines"))
            let world = try #require(try await harness.store.worlds(ownerID: account.id).first)
            let head = try #require(try await harness.store.position(worldID: world.id).head)
            #expect(head.content.passage.hasPrefix("The lantern gutters"))
            #expect(head.content.options == repaired)
            let figures = await harness.server.context.statistics.snapshot
            #expect(figures.repaired == 1 && figures.rewritten == 0 && figures.committed == 2)
            await client.close()
        }
    }
}
