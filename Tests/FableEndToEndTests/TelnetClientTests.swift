import FableCore
import FableStore
import Foundation
import Testing

/// `fable serve` (with `fable stub` as its model) played through the real Debian clients,
/// `telnet` (inetutils) and `nc` (OpenBSD netcat), driven by `expect`: make a reader, start a
/// world, choose, instruct, undo, retry, quit; then log in again and find the same step.
@Suite(.serialized, .timeLimit(.minutes(3))) struct TelnetClientTests {
    static let tinyStory = """
        ---
        title: The Tiny Test
        genre: test
        mode: adventure
        language: en
        style: plain
        ---
        You stand in a small room with one door. Somewhere a bell is ringing.

        """

    static let askingStory = """
        ---
        title: The Asking Door
        genre: test
        mode: adventure
        language: en
        style: plain
        questions:
          - name: hero
            prompt: What is your name, traveller?
            default: Wren
        ---
        You are ${hero}, standing before a door that asks questions.

        """

    static let stories = ["tiny.md": tinyStory, "asking.md": askingStory]

    // MARK: telnet

    @Test func telnetGuidedLoginHiddenPasswordPlayAndResume() async throws {
        let serve = try await ServeProcess(stories: Self.stories)
        defer { serve.stop() }
        let password = "Tr0ub4dor-x9"
        // The guided flow: name, yes, the password twice with echo off, each typed the instant
        // its prompt appears.
        let first = try await ExpectRun.run("telnet-1", script: """
            spawn telnet 127.0.0.1 \(serve.port)
            want "Name: "
            send "ada\\r"
            want "Make a new reader with that name? (yes/no) "
            send "yes\\r"
            want "Choose a password (6 characters or more): "
            send "\(password)\\r"
            want "The same password again: "
            send "\(password)\\r"
            want "Welcome, ada."
            want "> "
            send "new tiny\\r"
            options
            send "2\\r"
            options
            send "I ring the bell and wait\\r"
            options
            send "undo\\r"
            options
            send "retry\\r"
            options
            send "quit\\r"
            want "Goodbye."
            want "Connection closed by foreign host."
            expect eof
            exit [lindex [wait] 3]

            """, in: serve.folder)
        #expect(first.status == 0, "\(first.err)\n\(Self.tail(first.log))\n\(serve.serverLog)")
        let shown = Self.clean(first.log)
        #expect(shown.contains("Welcome, ada. Type `help` at any time."))
        #expect(!shown.contains(password), "the password typed at a hidden prompt was echoed:\n\(shown)")
        #expect(shown.contains("Choose a password (6 characters or more): \n"),
                "the Enter after the hidden password ends the line")

        // The database: the opening, the choice, the instruction (undone) and the retried choice.
        let store = try SQLiteStore(path: serve.databasePath)
        let account = try #require(try await store.account(name: "ada"))
        let worlds = try await store.worlds(ownerID: account.id)
        try #require(worlds.count == 1)
        let world = worlds[0]
        #expect(world.premise.storyID == "tiny")
        #expect(account.lastWorldID == world.id)
        #expect(try await store.stepCount(worldID: world.id) == 4)
        let headID = try #require(world.headStepID)
        let head = try #require(try await store.step(id: headID))
        let path = try await store.path(to: head.id)
        #expect(path.map(\.depth) == [1, 2], "undo, then retry of the chosen option")
        let opening = path[0]
        #expect(head.instruction == opening.content.options[1], "retry keeps the instruction of option 2")
        let ends = try await store.branchEnds(worldID: world.id)
        let undone = try #require(ends.first { $0.instruction == "I ring the bell and wait" })
        #expect(undone.depth == 3 && !path.contains { $0.id == undone.id }, "the undone step is on another branch")
        #expect(world.redoStack.isEmpty, "the retry after undo cleared the redo stack")
        // On screen: the opening, the choice, the instruction, the choice again (undo), its retry.
        let chosenID = try #require(undone.parentID)
        let chosen = try #require(try await store.step(id: chosenID))
        #expect(chosen.id != head.id && chosen.parentID == opening.id && chosen.instruction == head.instruction)
        #expect(Self.optionBlocks(in: shown) == [opening, chosen, undone, chosen, head].map(\.content.options))

        // Log in again with `connect` on one line: the same step, its passage and options.
        let second = try await ExpectRun.run("telnet-2", script: """
            spawn telnet 127.0.0.1 \(serve.port)
            want "Name: "
            send "connect ada \(password)\\r"
            want "Welcome back, ada."
            options
            send "quit\\r"
            want "Goodbye."
            expect eof
            exit [lindex [wait] 3]

            """, in: serve.folder)
        #expect(second.status == 0, "\(second.err)\n\(Self.tail(second.log))\n\(serve.serverLog)")
        let resumed = Self.clean(second.log)
        #expect(resumed.contains(password), "a password typed in a one-line `connect` is echoed, so the log would show one")
        Self.expectResumed(resumed, at: head)
        #expect(try await store.stepCount(worldID: world.id) == 4, "resuming writes nothing")
        #expect(serve.stop() == 0, "fable serve shuts down cleanly on SIGTERM: \(serve.serverLog)")
    }

    /// A hidden prompt must reach the client after the WILL ECHO that hides it, or a password
    /// typed at once is echoed. Turning echo on after one password and off again for the next
    /// (`The same password again: `, `Choose a password: ` after a mismatch) raced the reader:
    /// by RFC 1143's queue the second WILL ECHO went out only when the client's DONT ECHO came
    /// back, after the prompt, and inetutils telnet echoed about half the passwords typed at
    /// once. Seven chances in a row, each typed the moment its prompt appears; then echo must be
    /// back on. (Eleven lines in all, under the server's burst of 12: no pause is needed for the
    /// rate limit.)
    @Test func telnetEchoIsOffBeforeEveryPasswordPrompt() async throws {
        let serve = try await ServeProcess(stories: Self.stories)
        defer { serve.stop() }
        let control = "alpha-one1"
        let raced = ["bravo-two2", "charlie-3x", "delta-four", "echo-five5", "foxtrot-66", "golf-seven"]
        var script = """
            spawn telnet 127.0.0.1 \(serve.port)
            want "Name: "
            send "cyd\\r"
            want "(yes/no) "
            send "yes\\r"
            want "Choose a password (6 characters or more): "
            send "\(control)\\r"

            """
        for (index, password) in raced.enumerated() {
            if index.isMultiple(of: 2) {
                script += "want \"The same password again: \"\nsend \"\(password)\\r\"\n"
                script += "want \"The two passwords differ.\"\n"
            } else {
                script += "want \"Choose a password: \"\nsend \"\(password)\\r\"\n"
            }
        }
        script += """
            want "The same password again: "
            send "\(raced.last!)\\r"
            want "Welcome, cyd."
            want "> "
            send "quit\\r"
            want "Goodbye."
            expect eof
            exit [lindex [wait] 3]

            """
        let run = try await ExpectRun.run("telnet-echo", script: script, in: serve.folder)
        #expect(run.status == 0, "\(run.err)\n\(Self.tail(run.log))\n\(serve.serverLog)")
        let shown = Self.clean(run.log)
        #expect(shown.contains("Welcome, cyd."))
        #expect(!shown.contains(control), "WILL ECHO precedes the first password prompt")
        let echoed = raced.filter { shown.contains($0) }
        #expect(echoed.isEmpty, "passwords typed as soon as their prompt appeared were echoed: \(echoed)\n\(shown)")
        #expect(shown.contains("\n> quit\nGoodbye."), "echo is back on once logged in:\n\(shown)")
    }

    // MARK: nc

    @Test func ncOneLineLoginQuestionPlayAndResumeWithoutIAC() async throws {
        let serve = try await ServeProcess(stories: Self.stories)
        defer { serve.stop() }
        let password = "hunter22-nc"
        // nc's output goes through `tee` to a file: the exact bytes the server sent.
        // OpenBSD nc does not exit when the server closes; closing its terminal ends it.
        let first = try await ExpectRun.run("nc-1", script: """
            spawn sh -c "nc 127.0.0.1 \(serve.port) | tee nc-1.raw"
            want "Name: "
            send "create bea \(password)\\r"
            want "Welcome, bea."
            want "> "
            send "new asking\\r"
            want "What is your name, traveller? \\[Wren\\]"
            wantRE {\\n\\? $}
            send "Juniper\\r"
            options
            send "3\\r"
            options
            send "I knock twice on the door\\r"
            options
            send "undo\\r"
            options
            send "retry\\r"
            options
            send "quit\\r"
            want "Goodbye."
            close
            wait

            """, in: serve.folder)
        #expect(first.status == 0, "\(first.err)\n\(Self.tail(first.log))\n\(serve.serverLog)")

        let store = try SQLiteStore(path: serve.databasePath)
        let account = try #require(try await store.account(name: "bea"))
        let worlds = try await store.worlds(ownerID: account.id)
        try #require(worlds.count == 1)
        let world = worlds[0]
        #expect(world.premise.storyID == "asking")
        #expect(world.premise.answers["hero"] == "Juniper", "the answer to the story's question")
        #expect(try await store.stepCount(worldID: world.id) == 4)
        let headID = try #require(world.headStepID)
        let head = try #require(try await store.step(id: headID))
        let path = try await store.path(to: head.id)
        #expect(path.map(\.depth) == [1, 2])
        #expect(head.instruction == path[0].content.options[2], "retry keeps the instruction of option 3")
        let ends = try await store.branchEnds(worldID: world.id)
        let undone = try #require(ends.first { $0.instruction == "I knock twice on the door" })
        let chosenID = try #require(undone.parentID)
        let chosen = try #require(try await store.step(id: chosenID))
        #expect(undone.depth == 3 && chosen.depth == 2 && chosen.id != head.id)
        let shown = Self.clean(first.log)
        #expect(Self.optionBlocks(in: shown) == [path[0], chosen, undone, chosen, head].map(\.content.options))
        #expect(shown.contains("Your world is saved at step 2. Goodbye."))

        let second = try await ExpectRun.run("nc-2", script: """
            spawn sh -c "nc 127.0.0.1 \(serve.port) | tee nc-2.raw"
            want "Name: "
            send "connect bea \(password)\\r"
            want "Welcome back, bea."
            options
            send "quit\\r"
            want "Goodbye."
            close
            wait

            """, in: serve.folder)
        #expect(second.status == 0, "\(second.err)\n\(Self.tail(second.log))\n\(serve.serverLog)")
        Self.expectResumed(Self.clean(second.log), at: head)

        // The guided login too: its password prompt hides input for telnet clients only.
        let third = try await ExpectRun.run("nc-3", script: """
            spawn sh -c "nc 127.0.0.1 \(serve.port) | tee nc-3.raw"
            want "Name: "
            send "bea\\r"
            want "Password: "
            send "\(password)\\r"
            want "Welcome back, bea."
            options
            send "quit\\r"
            want "Goodbye."
            close
            wait

            """, in: serve.folder)
        #expect(third.status == 0, "\(third.err)\n\(Self.tail(third.log))\n\(serve.serverLog)")
        Self.expectResumed(Self.clean(third.log), at: head)

        // The raw bytes: the six offers (DO NAWS, DO TTYPE, WILL CHARSET, WILL MSSP, WILL GMCP,
        // WILL COMPRESS2), then never IAC — not for the one-line login, not for the hidden
        // password prompt, not for the steps.
        let offers: [UInt8] = [255, 253, 31, 255, 253, 24, 255, 251, 42, 255, 251, 70, 255, 251, 201, 255, 251, 86]
        for name in ["nc-1.raw", "nc-2.raw", "nc-3.raw"] {
            let raw = [UInt8](try Data(contentsOf: serve.folder.appendingPathComponent(name)))
            #expect(Array(raw.prefix(offers.count)) == offers, "\(name) starts with the offers")
            let iac = raw.dropFirst(offers.count).firstIndex(of: 255)
            #expect(iac == nil, "\(name): IAC at byte \(iac ?? -1) after nc never answered the offers")
            let text = String(decoding: raw.dropFirst(offers.count), as: UTF8.self)
            #expect(text.contains("\r\nName: ") && text.contains("Goodbye.\r\n"), "\(name) holds the whole session")
            #expect(!text.contains("\n\n"), "\(name): every line ends CRLF")
        }
        #expect(serve.stop() == 0, "fable serve shuts down cleanly on SIGTERM: \(serve.serverLog)")
    }

    // MARK: Helpers

    /// The log as a reader would read it: without carriage returns.
    static func clean(_ log: String) -> String {
        log.replacingOccurrences(of: "\r", with: "")
    }

    static func tail(_ log: String) -> String {
        String(clean(log).suffix(1500))
    }

    /// Every list of options shown (`  1. …`, `  2. …`, `  3. …`), in order, as their texts.
    static func optionBlocks(in shown: String) -> [[String]] {
        let lines = shown.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.indices.compactMap { index -> [String]? in
            guard lines[index].hasPrefix("  1. "), index + 2 < lines.count,
                  lines[index + 1].hasPrefix("  2. "), lines[index + 2].hasPrefix("  3. ") else { return nil }
            return (0..<3).map { String(lines[index + $0].dropFirst(5)) }
        }
    }

    static func lastOptions(in shown: String) -> [String] {
        optionBlocks(in: shown).last ?? []
    }

    /// A second login shows where the reader left off: the step number, the passage, the options.
    static func expectResumed(_ shown: String, at head: Step, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(shown.contains("(Step \(head.depth). `recap` for the story so far"), "\(shown)",
                sourceLocation: sourceLocation)
        // The passage's first words, on its first wrapped line.
        let start = head.content.passage.split(separator: " ").prefix(5).joined(separator: " ")
        #expect(shown.contains("\n" + start), "the passage starting `\(start)` is shown again:\n\(shown)",
                sourceLocation: sourceLocation)
        #expect(lastOptions(in: shown) == head.content.options, "the same options are shown again:\n\(shown)",
                sourceLocation: sourceLocation)
    }
}
