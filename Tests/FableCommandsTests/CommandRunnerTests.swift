import FableCommands
import FableCore
import Testing

/// The checks every command passes, and the commands against a real world.
@Suite struct CommandRunnerTests {
    let parser = CommandParser(sets: [StandardSets.play, StandardSets.remember,
                                      CommandSet(name: "You", layout: .line, commands: [Help.self, Quit.self])])

    private func run(_ line: String, in context: RecordingContext) async {
        await CommandRunner.run(parser.parse(line), in: context)
    }

    @Test func aReaderWithoutAWorldIsToldHowToGetOne() async throws {
        let context = try RecordingContext()
        for line in ["I open the door", "1", "undo", "memory", "continue"] {
            await context.clear()
            await run(line, in: context)
            #expect(await context.text.contains("You are not in a world yet"), "\(line)")
            #expect(await context.written.isEmpty, "\(line)")
        }
    }

    @Test func aStoryNotBegunOnlyTakesContinue() async throws {
        let context = try RecordingContext()
        try await context.enterWorld(steps: 0)
        await run("undo", in: context)
        #expect(await context.text.contains("This story has not begun. Type `continue` to begin it."))
        await run("I wait", in: context)
        #expect(await context.written.isEmpty)
        await run("continue", in: context)
        #expect(await context.written == [.begin])
    }

    @Test func linesThatAreNotCommandsAdvanceTheStory() async throws {
        let context = try RecordingContext()
        try await context.enterWorld(steps: 1)
        await run("help the ferryman", in: context)
        await run("settings are strange here", in: context)
        await run("2", in: context)
        await run("continue", in: context)
        await run("auto 3", in: context)
        #expect(await context.written == [.advance(.custom("help the ferryman")), .advance(.custom("settings are strange here")),
                                          .advance(.option(1)), .advance(.proceed), .auto(3)])
    }

    @Test func helpWithAWordThatIsNoTopicTellsTheStoryOnceItHasBegun() async throws {
        let context = try RecordingContext()
        await run("help Mara", in: context)
        #expect(await context.text.contains("There is no help on `mara`"), "no story yet: the topic was meant")
        try await context.enterWorld(steps: 1)
        await context.clear()
        await run("help Mara", in: context)
        await run("help retyr", in: context)
        await run("help UNDO", in: context)
        #expect(await context.written == [.advance(.custom("help Mara"))])
        let text = await context.text
        #expect(text.contains("`help retry`") && text.contains("undo: go back one step"))
    }

    @Test func pinningAThingSomewhereTellsTheStoryWithAHint() async throws {
        let context = try RecordingContext()
        try await context.enterWorld(steps: 1)
        await run("pin the map to the door", in: context)
        #expect(await context.written == [.advance(.custom("pin the map to the door"))])
        #expect(await context.text.contains("`pin: FACT`"))
        let worldID = try #require(await context.worldID)
        #expect(try await context.worlds.head(worldID: worldID)?.content.pins.isEmpty == true)

        await run("pin: the map is on the door", in: context)
        await run("pin The lamp must never go out", in: context)
        #expect(try await context.worlds.head(worldID: worldID)?.content.pins
                == ["the map is on the door", "The lamp must never go out"])
    }

    @Test func recallingInTheStoryIsNotASearch() async throws {
        let context = try RecordingContext()
        try await context.enterWorld(steps: 3)
        await run("recall what she said", in: context)
        #expect(await context.written == [.advance(.custom("recall what she said"))])
        #expect(await context.text.contains("`recall: WORDS`"))

        await context.clear()
        await run("recall: step", in: context)
        await run("recall step", in: context)
        #expect(await context.written.isEmpty)
        let said = await context.said
        #expect(said.filter { $0.hasPrefix("Step ") }.count >= 2, "\(said)")
    }

    @Test func undoAndRedoMoveAndShowTheStep() async throws {
        let context = try RecordingContext()
        try await context.enterWorld(steps: 2)
        let worldID = try #require(await context.worldID)
        await run("undo", in: context)
        #expect(try await context.worlds.head(worldID: worldID)?.depth == 1)
        await run("redo", in: context)
        #expect(try await context.worlds.head(worldID: worldID)?.depth == 2)
        await run("redo", in: context)
        #expect(await context.text.contains("There is nothing to redo."))
        await run("goto 5", in: context)
        #expect(await context.text.contains("Choose a branch from 1 to 1 (see `branches`)."))
    }

    @Test func optionsThatDoNotExistAreRefused() async throws {
        let context = try RecordingContext()
        try await context.enterWorld(steps: 1)
        await run("7", in: context)
        await run("edit 9 run", in: context)
        #expect(await context.written.isEmpty)
        #expect(await context.text.contains("There is no option 7. Choose 1 to 3"))
        #expect(await context.text.contains("There is no option 9 to edit."))
    }

    @Test func adminCommandsAreRefusedAndLoggedForReaders() async throws {
        let context = try RecordingContext()
        let parser = CommandParser(sets: [CommandSet(name: "Admin", layout: .table, isTopic: true, commands: [Secret.self])])
        await CommandRunner.run(parser.parse("@secret"), in: context)
        #expect(await context.text.contains("That is an admin command, and you are not an admin."))
        #expect(await context.audited.map(\.allowed) == [false])
        #expect(await context.left == false)

        await context.makeAdmin()
        await CommandRunner.run(parser.parse("@secret"), in: context)
        #expect(await context.audited.map(\.allowed) == [false, true])
        #expect(await context.left == true, "an admin's command runs")
    }
}

/// An admin command for the checks: it makes the context leave.
private struct Secret: Command {
    static let words = ["@secret"]
    static let access = CommandAccess.admin
    static let help = CommandHelp(usage: "@secret", summary: "leave", topic: "@secret: leave.")
    static func parse(_ arguments: String) -> ArgumentFit { .command(Secret()) }
    func run(in context: any CommandContext) async { await context.quit() }
}
