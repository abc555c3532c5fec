import FableTestSupport
import FableCore
import FableEngine
import FableServer
import FableStore
import FableStub
import Foundation
import Synchronization
import Testing

/// The game over real sockets: a real server, a real SQLite file, the stub LLM over HTTP.
@Suite(.serialized) struct GameServerTests {
    @Test func readerPlaysUndoesRetriesQuitsAndFindsTheSameStepAgain() async throws {
        try await ServerHarness.with { harness in
            let client = try await harness.login("alice")
            let opened = try await client.say("new marsh", expect: "  3. ")
            // The prompt after the options, not the one before the story began.
            try await client.waitFor("> ", after: opened)
            try await client.say("1", expect: "  3. ")
            try await client.say("I climb the bell tower and listen", expect: "  3. ")
            let account = try #require(try await harness.store.account(name: "alice"))
            let world = try #require(try await harness.store.worlds(ownerID: account.id).first)
            #expect(try await harness.store.stepCount(worldID: world.id) == 3)
            var head = try await headStep(harness, world.id)
            #expect(head.depth == 3)
            #expect(head.instruction == "I climb the bell tower and listen")

            try await client.say("undo", expect: "  3. ")
            head = try await headStep(harness, world.id)
            #expect(head.depth == 2)
            try await client.say("retry", expect: "  3. ")
            head = try await headStep(harness, world.id)
            #expect(head.depth == 2)
            #expect(try await harness.store.stepCount(worldID: world.id) == 4, "retry adds a version; nothing is deleted")
            let options = head.content.options
            try await client.say("quit", expect: "Goodbye.")
            try await client.waitFor("\u{0}CLOSED")

            let again = try await harness.connect()
            try await again.waitFor("Name: ")
            try await again.say("connect ALICE secret1", expect: "Welcome back")
            try await again.waitFor("  3. ")
            let transcript = again.transcript
            #expect(transcript.contains("Step 2."))
            #expect(transcript.contains(head.content.passage.prefix(20)))
            for option in options { #expect(transcript.contains(option)) }
            await again.close()
        }
    }

    @Test func twoReadersPlayAtOnceAndNeitherSeesTheOthersText() async throws {
        try await ServerHarness.with(chunkDelay: .milliseconds(2)) { harness in
            let anna = try await harness.login("anna")
            let ben = try await harness.login("ben")
            async let a: Void = play(anna, instructions: ["I follow the heron", "I ring the bell"])
            async let b: Void = play(ben, instructions: ["I wake the ferryman", "I cross the weir"])
            _ = try await (a, b)
            let stepsA = Set(Self.stepNumbers(anna.transcript))
            let stepsB = Set(Self.stepNumbers(ben.transcript))
            #expect(stepsA.count == 3 && stepsB.count == 3)
            #expect(stepsA.isDisjoint(with: stepsB), "each saw only their own passages: \(stepsA) vs \(stepsB)")
            let accountA = try #require(try await harness.store.account(name: "anna"))
            let accountB = try #require(try await harness.store.account(name: "ben"))
            let worldA = try #require(try await harness.store.worlds(ownerID: accountA.id).first)
            let worldB = try #require(try await harness.store.worlds(ownerID: accountB.id).first)
            #expect(worldA.id != worldB.id)
            #expect(try await headStep(harness, worldA.id).instruction == "I ring the bell")
            #expect(try await headStep(harness, worldB.id).instruction == "I cross the weir")
            await anna.close()
            await ben.close()
        }
    }

    @Test func droppingTheConnectionMidPassageLeavesTheLastCommittedStep() async throws {
        try await ServerHarness.with(chunkDelay: .milliseconds(40)) { harness in
            let client = try await harness.login("carol")
            try await client.say("new marsh", expect: "  3. ", timeout: .seconds(20))
            try await client.waitFor("> ")
            let account = try #require(try await harness.store.account(name: "carol"))
            let world = try #require(try await harness.store.worlds(ownerID: account.id).first)
            let before = try await headStep(harness, world.id)
            try await client.say("I open the chapel door", expect: "Step 2.")
            await client.close()   // mid-passage: the stub needs seconds more
            // Looked at once the step has ended, however it ended: had it run on, its stream
            // would have finished (in about 5 s) and the step been kept.
            let figures = try await harness.stepsEnded(2)
            #expect(figures.cancelled == 1 && figures.committed == 1, "the step was cancelled")
            #expect(harness.stub.streams == StreamTally(started: 2, finished: 1, aborted: 1),
                    "the model's transfer was aborted, not read to its end")
            #expect(try await harness.store.stepCount(worldID: world.id) == 1, "the half-written step never reached the store")
            #expect(try await headStep(harness, world.id).id == before.id)
            #expect(try await harness.store.integrityCheck() == "ok")

            let again = try await harness.login("carol", create: false)
            try await again.waitFor("  3. ")
            #expect(again.transcript.contains("Step 1."))
            #expect(!again.transcript.contains("Step 2."))
            await again.close()
        }
    }

    @Test func stopCancelsTheStepAndLinesTypedMeanwhileRunAfterIt() async throws {
        try await ServerHarness.with(chunkDelay: .milliseconds(30)) { harness in
            let client = try await harness.login("dora")
            try await client.say("new marsh", expect: "  3. ", timeout: .seconds(20))
            try await client.waitFor("> ")
            try await client.say("I wade into the reeds", expect: "Step 2.")
            try await client.say("stop", expect: "[Stopped. The story is as it was.]")
            let account = try #require(try await harness.store.account(name: "dora"))
            let world = try #require(try await harness.store.worlds(ownerID: account.id).first)
            let opening = try await headStep(harness, world.id)

            try await client.say("2", expect: "Step 3.", timeout: .seconds(20))
            // Typed while the passage streams: waits, then runs.
            let mark = try await client.say("memory", expect: "(Waiting: that runs after this passage.")
            try await client.waitFor("What the storyteller keeps in mind:", after: mark, timeout: .seconds(20))
            // Every step has ended and every stream with it: a stopped step that ran on would
            // have been kept by now.
            let figures = try await harness.stepsEnded(3)
            #expect(figures.committed == 2 && figures.cancelled == 1)
            #expect(harness.stub.streams == StreamTally(started: 3, finished: 2, aborted: 1),
                    "the stopped step's transfer was aborted")
            #expect(try await harness.store.stepCount(worldID: world.id) == 2, "the opening and option 2's step, no other")
            let head = try await headStep(harness, world.id)
            #expect(head.parentID == opening.id && head.instruction != "I wade into the reeds")
            #expect(head.content.passage.hasPrefix("Step 3."), "the head is the reply to option 2")
            await client.close()
        }
    }

    @Test func readersBeyondTheCapWaitInLineAndAreToldTheirPlace() async throws {
        try await ServerHarness.with(chunkDelay: .milliseconds(20), configure: { $0.concurrentGenerations = 1 }) { harness in
            let first = try await harness.login("erin")
            let second = try await harness.login("finn")
            try await first.send("new marsh")
            try await first.waitFor("Step ")
            try await second.send("new marsh")
            try await second.waitFor("(You are next in line for the storyteller.)")
            try await first.waitFor("  3. ", timeout: .seconds(20))
            try await second.waitFor("  3. ", timeout: .seconds(20))
            await first.close()
            await second.close()
        }
    }

    @Test func wrongPasswordsAreThrottledPerName() async throws {
        try await ServerHarness.with { harness in
            let owner = try await harness.login("gwen")
            await owner.close()
            let guesser = try await harness.connect()
            try await guesser.waitFor("Name: ")
            for _ in 0..<3 {
                try await guesser.say("connect gwen wrong-guess", expect: "do not match")
            }
            try await guesser.say("connect gwen wrong-again", expect: "do not match")
            try await guesser.say("connect gwen secret1", expect: "Too many failed logins")
            await guesser.close()
        }
    }

    @Test func theGuidedLoginAsksForAPasswordTwiceAndRefusesBadNames() async throws {
        try await ServerHarness.with { harness in
            let client = try await harness.connect()
            try await client.waitFor("Name: ")
            try await client.say("x", expect: "a name has 2 to 20 characters")
            try await client.say("admin", expect: "reserved")
            try await client.say("Hana", expect: "Make a new reader with that name?")
            try await client.say("yes", expect: "Choose a password")
            try await client.say("short", expect: "That will not do")
            try await client.say("longer-secret", expect: "The same password again")
            try await client.say("longer-secret", expect: "Welcome, Hana.")
            #expect(try await harness.store.account(name: "hana") != nil)
            await client.close()
        }
    }

    @Test func connectionsPerAddressAreCapped() async throws {
        try await ServerHarness.with(configure: { $0.connectionsPerAddress = 2 }) { harness in
            let one = try await harness.connect()
            let two = try await harness.connect()
            try await one.waitFor("Name: ")
            try await two.waitFor("Name: ")
            let three = try await harness.connect()
            try await three.waitFor("Too many connections from your address")
            try await three.waitFor("\u{0}CLOSED")
            await one.close()
            await two.close()
        }
    }

    @Test func aReaderWhoTypesFasterThanTheLimitIsToldAndTheExtraLinesAreDropped() async throws {
        try await ServerHarness.with(configure: {
            $0.commandsPerSecond = 4
            $0.commandBurst = 12
        }) { harness in
            let client = try await harness.login("fen")
            let mark = client.transcript.count
            for _ in 0..<30 { try await client.send("who") }
            try await client.waitFor("(Too fast: at most 4 lines a second. Lines are dropped until you slow down.)", after: mark)
            try await Task.sleep(for: .milliseconds(500))
            // The burst (less the login's lines) was answered, with a little refill, not all 30.
            let answers = client.transcript.dropFirst(mark).components(separatedBy: "1 reader here:").count - 1
            #expect(answers >= 9 && answers < 30, "\(answers) answers")
            // After a pause the reader is heard again.
            try await Task.sleep(for: .seconds(1))
            try await client.say("who", expect: "1 reader here:")
            await client.close()
        }
    }

    /// A refused reader who types at once (32 KB here; a telnet client's option replies) reads
    /// the refusal, and the server closes the connection though the reader never hangs up (the
    /// gentle close's linger). On loopback the reset that unread input causes does not overtake
    /// the refusal even with an immediate close, so this cannot show that; over a lossy network
    /// it can.
    @Test func aRefusedReaderWhoTypesAtOnceStillReadsWhy() async throws {
        try await ServerHarness.with(configure: { $0.connectionsPerAddress = 1 }) { harness in
            let one = try await harness.connect()
            try await one.waitFor("Name: ")
            for _ in 0..<5 {
                let refused = try await harness.connect()
                try await refused.sendRaw(Array(repeating: UInt8(ascii: "x"), count: 32_768))
                try await refused.waitFor("Too many connections from your address")
                try await refused.waitFor("\u{0}CLOSED", timeout: .seconds(5))
            }
            await one.close()
        }
    }

    @Test func aClosedConnectionGivesItsPlaceBackAndAQuitReaderCanComeBack() async throws {
        try await ServerHarness.with(configure: { $0.connectionsPerAddress = 1 }) { harness in
            let first = try await harness.login("kit")
            try await first.say("quit", expect: "Goodbye.")
            try await first.waitFor("\u{0}CLOSED")
            // The server counts the place free once it has seen the close; until then it may refuse.
            var admitted: LineClient?
            for _ in 0..<50 where admitted == nil {
                let client = try await harness.connect()
                do {
                    try await client.waitFor("Name: ")
                    admitted = client
                } catch {
                    await client.close()
                }
            }
            let again = try #require(admitted)
            try await again.say("connect kit secret1", expect: "Welcome back, kit.")
            await again.close()
        }
    }

    @Test func shutdownLetsTheStepFinishAndTellsEveryone() async throws {
        try await ServerHarness.with(chunkDelay: .milliseconds(10)) { harness in
            let client = try await harness.login("ivy")
            try await client.send("new marsh")
            try await client.waitFor("Step 1.")
            await harness.server.shutdown(grace: .seconds(10))
            try await client.waitFor("The server is shutting down in 10 seconds")
            try await client.waitFor("\u{0}CLOSED")
            let account = try #require(try await harness.store.account(name: "ivy"))
            let world = try #require(try await harness.store.worlds(ownerID: account.id).first)
            #expect(try await harness.store.stepCount(worldID: world.id) == 1, "the step in flight finished and was kept")
            #expect(client.transcript.contains("  3. "))
        }
    }

    @Test func helpSuggestsNearMissesAndCommandsNeedAWorld() async throws {
        try await ServerHarness.with { harness in
            let client = try await harness.login("jade")
            try await client.say("hepl", expect: "Did you mean `help`?")
            try await client.say("help retyr", expect: "Did you mean `help retry`?")
            try await client.say("undo", expect: "You are not in a world yet")
            try await client.say("new marhs", expect: "Did you mean `new marsh`?")
            try await client.say("settings width 50", expect: "width         50")
            try await client.say("settings length short", expect: "length        short")
            let account = try #require(try await harness.store.account(name: "jade"))
            #expect(account.settings.width == 50)
            #expect(account.settings.preferences.passageLength == .short)
            await client.close()
        }
    }

    private func play(_ client: LineClient, instructions: [String]) async throws {
        try await client.say("new marsh", expect: "  3. ", timeout: .seconds(20))
        try await client.waitFor("> ")
        for instruction in instructions {
            try await client.say(instruction, expect: "  3. ", timeout: .seconds(20))
        }
    }

    static func stepNumbers(_ transcript: String) -> [Int] {
        transcript.components(separatedBy: "Step ").dropFirst().compactMap { piece in
            Int(piece.prefix { $0.isNumber })
        }
    }
}

func headStep(_ harness: ServerHarness, _ worldID: Int64) async throws -> Step {
    let world = try #require(try await harness.store.world(id: worldID))
    let headID = try #require(world.headStepID)
    return try #require(try await harness.store.step(id: headID))
}

/// What readers see when things go wrong, and what the store keeps.
@Suite(.serialized) struct GameServerFaultTests {
    @Test func aStorysQuestionsAreAskedAndTheAnswersKeptWithTheWorld() async throws {
        try await ServerHarness.with { harness in
            let client = try await harness.login("kit")
            try await client.say("new heron", expect: "What is your name, traveller? [Wren]")
            try await client.say("Moss", expect: "Which season is it? [autumn]")
            try await client.say("7", expect: "Please answer a number from 1 to 2")
            try await client.say("1", expect: "  3. ", timeout: .seconds(20))
            let account = try #require(try await harness.store.account(name: "kit"))
            let world = try #require(try await harness.store.worlds(ownerID: account.id).first)
            #expect(world.premise.body.contains("Moss sets out across the marsh in spring"))
            #expect(world.premise.answers == ["hero": "Moss", "season": "spring"])
            let prompt = try #require(harness.stub.requests.last?.promptText)
            #expect(prompt.contains("Moss sets out"))
            await client.close()
        }
    }

    @Test func aFailingModelGivesOneClearMessageAndChangesNothing() async throws {
        let healthy = StubStoryteller()
        let failing = Log()
        try await ServerHarness.with(script: { request in
            if failing.entries.isEmpty { return await healthy.script()(request) }
            return .status(500, body: "model exploded")
        }) { harness in
            let client = try await harness.login("lux")
            try await client.say("new marsh", expect: "  3. ", timeout: .seconds(20))
            try await client.waitFor("> ")
            failing.add("from now on")
            try await client.say("I ring the bell", expect: "The story is as it was", timeout: .seconds(20))
            #expect(client.transcript.contains("The storyteller could not answer"))
            let account = try #require(try await harness.store.account(name: "lux"))
            let world = try #require(try await harness.store.worlds(ownerID: account.id).first)
            #expect(try await harness.store.stepCount(worldID: world.id) == 1)
            #expect(try await headStep(harness, world.id).depth == 1)
            await client.close()
        }
    }

    /// A reply that goes wrong halfway: what was shown of it is closed off, the notice says why,
    /// and the new passage follows, in that order (the pieces reach the screen from the model's
    /// thread, the notice from the step's task). What was shown holds too little of whole
    /// sentences to be kept as the passage.
    @Test func aReplyThatFailsHalfwayIsFollowedByTheNoticeAndTheNewPassage() async throws {
        let requests = Mutex(0)
        try await ServerHarness.with(script: { request in
            let number = requests.withLock { $0 += 1; return $0 }
            if number == 2 {
                return .stream(content: #"{"passage": "Halfway words the reader sees. The lantern gutters on the reed bridge, the water below is black and slow, and somewhere under it a bell answers the wind, and then"#, chunkSize: 5,
                               chunkDelay: .milliseconds(5))
            }
            return .stream(content: StubStoryteller.reply(number: number, opening: request.asksForOutline), chunkSize: 7)
        }) { harness in
            let client = try await harness.login("vera")
            try await client.say("new marsh", expect: "  3. ", timeout: .seconds(20))
            try await client.waitFor("> ")
            let mark = client.transcript.count
            try await client.say("I follow the lantern", expect: "  3. ", timeout: .seconds(20))
            let shown = String(client.transcript.dropFirst(mark))
            let half = try #require(shown.range(of: "Halfway words the reader sees."))
            let notice = try #require(shown.range(of: ReaderNotice.rewriting))
            let passage = try #require(shown.range(of: "Step 3."))
            let options = try #require(shown.range(of: "  3. "))
            #expect(half.upperBound <= notice.lowerBound && notice.upperBound <= passage.lowerBound
                    && passage.upperBound <= options.lowerBound, "\(shown)")
            // The notice starts on a line of its own, after the void text.
            #expect(shown[half.upperBound..<notice.lowerBound].contains("\n"))
            // `@stats` counts the unusable reply; the step is kept once.
            let figures = await harness.server.context.statistics.snapshot
            #expect(figures.rewritten == 1 && figures.committed == 2 && figures.failed == 0)
            await client.close()
        }
    }

    @Test func controlSequencesFromTheModelAndFromReadersNeverReachATerminal() async throws {
        let evil = "\u{1B}[2J\u{1B}]0;pwned\u{07}\u{9B}31m"
        try await ServerHarness.with(script: { request in
            let reply = StubStoryteller.reply(number: 1, opening: request.asksForOutline)
                .replacingOccurrences(of: "Step 1.", with: "Step 1. \\u001b[2J\\u001b]0;pwned\\u0007 Beware.")
            return .stream(content: reply, chunkSize: 7)
        }) { harness in
            let client = try await harness.login("max")
            try await client.say("new marsh", expect: "  3. ", timeout: .seconds(20))
            try await client.waitFor("> ")
            try await client.say("I shout \(evil) at the fog", expect: "  3. ", timeout: .seconds(20))
            try await client.say("read 2", expect: "> I shout")
            let transcript = client.transcript
            #expect(transcript.contains("Beware."))
            #expect(!transcript.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B })
            await client.close()
        }
    }
}
