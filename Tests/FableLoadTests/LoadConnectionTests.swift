import FableStub
import NIOCore
import NIOEmbedded
import Testing

@testable import FableLoad

/// One reader's handler, fed a server's bytes by hand: it logs in at `Name: `, starts its
/// world when told, answers the story's questions, reads the stub's reply number from the
/// passage, and counts a step once the options and the prompt are shown.
@Suite struct LoadConnectionTests {
    private func connection(turns: Int = 1, marks: [Int: StubRecord.Marks] = [:]) throws -> (EmbeddedChannel, LoadRun) {
        let run = LoadRun(settings: .init(namePrefix: "r", password: "secret1", story: "marsh", turnsPerReader: turns,
                                          instruction: "2"),
                          stubMarks: { marks[$0] })
        let channel = EmbeddedChannel(handler: LoadConnection(run: run, name: "r0", active: true))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4000)).wait()
        return (channel, run)
    }

    /// Server output. Its answer to a reader's line starts on a new line, as the server's does:
    /// the client reads passages and notices from a line's start.
    private func send(_ text: String, to channel: EmbeddedChannel) throws {
        try channel.writeInbound(ByteBuffer(string: text))
    }

    /// The lines the reader has sent since the last call.
    private func sent(by channel: EmbeddedChannel) throws -> [String] {
        var lines: [String] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            lines.append(String(buffer: buffer))
        }
        return lines
    }

    private static let options = "\r\n  1. Follow the heron.\r\n  2. Ask about the bell.\r\n  3. Rest.\r\n> "

    @Test func aReaderLogsInPlaysItsTurnsAndMatchesItsPassagesToTheStub() throws {
        let (channel, run) = try connection(marks: [4: StubRecord.Marks(requested: .now, passage: .now, word: .now)])
        // The telnet handshake a raw client never answers, then the greeting.
        try channel.writeInbound(ByteBuffer(bytes: [0xFF, 0xFD, 0x18]))
        try send("Welcome to Fable.\r\nName: ", to: channel)
        #expect(try sent(by: channel) == ["create r0 secret1\r\n"])
        try send("Welcome, r0.\r\n> ", to: channel)
        #expect(run.snapshot.loggedIn == 1)

        channel.pipeline.fireUserInboundEventTriggered(StartPlaying())
        #expect(try sent(by: channel) == ["new marsh\r\n"])
        try send("\r\nWhat is your name, traveller?\r\n? ", to: channel)
        #expect(try sent(by: channel) == ["\r\n"])
        try send("\r\n— The Marsh Bell —\r\n(The storyteller is writing.)\r\nStep 3. The heron waits." + Self.options, to: channel)
        #expect(try sent(by: channel) == ["2\r\n"])
        try send("\r\nStep 4. The bell rings." + Self.options, to: channel)

        let f = run.snapshot
        #expect(f.openings == 1 && f.turns == 1 && f.inFlight == 0 && f.activeDone == 1)
        #expect(f.opening.count == 1 && f.turn.count == 1 && f.firstByte.count == 1)
        // Reply 3 has no marks (unmatched), reply 4 has.
        #expect(f.unmatched == 1 && f.serverAdded.count == 1 && f.serverAddedWord.count == 1)
        #expect(f.errorCount == 0)
        _ = try channel.finish()
    }

    @Test func aFailedStepIsAnErrorAndTheReaderGoesOn() throws {
        let (channel, run) = try connection(turns: 2)
        try send("Welcome.\r\nName: ", to: channel)
        try send("\r\n> ", to: channel)
        channel.pipeline.fireUserInboundEventTriggered(StartPlaying())
        try send("\r\nStep 1. Begun." + Self.options, to: channel)
        _ = try sent(by: channel)
        try send("\r\n[The storyteller could not write this step.]\r\n> ", to: channel)
        #expect(try sent(by: channel).last == "2\r\n")
        let f = run.snapshot
        #expect(f.openings == 1 && f.turns == 0 && f.inFlight == 1)
        #expect(f.errors.keys.contains { $0.hasPrefix("step failed: [The storyteller could not") })
        _ = try channel.finish()
    }

    @Test func aRefusedLoginIsCounted() throws {
        let (channel, run) = try connection()
        try send("Welcome.\r\nName: ", to: channel)
        try send("That name is taken.\r\nName: ", to: channel)
        #expect(run.snapshot.loginFailures == 1 && run.snapshot.errors["login refused"] == 1)
        _ = try channel.finish()
    }
}
