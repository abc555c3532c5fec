import FableServer
import Testing

@Suite struct CommandParserTests {
    @Test(arguments: [
        ("1", ReaderCommand.choose(1)),
        ("3", .choose(3)),
        ("edit 2 run for the door", .edit(2, "run for the door")),
        ("retry", .retry), ("UNDO", .undo), ("redo", .redo), ("branches", .branches),
        ("goto 4", .goto(4)), ("continue", .proceed), ("auto 5", .auto(5)), ("auto", .auto(1)),
        ("stop", .stop), ("memory", .memory), ("recall the silver key", .recall("the silver key")),
        ("recap", .recap), ("read", .read(nil)), ("read 12", .read(12)), ("history 3", .read(3)),
        ("export", .export), ("worlds", .worlds), ("new lighthouse", .new("lighthouse")), ("new", .new(nil)),
        ("play 2", .play(2)), ("stories", .stories), ("settings width 60", .settings(["width", "60"])),
        ("settings tone wry and warm", .settings(["tone", "wry and warm"])),
        ("help", .help(nil)), ("help retry", .help("retry")), ("who", .who), ("quit", .quit), ("", .empty),
    ])
    func commands(line: String, expected: ReaderCommand) {
        #expect(CommandParser.parse(line) == expected)
    }

    @Test(arguments: [
        "I open the door", "read the letter", "undo the knot", "new york is far", "open the red door",
        "\"Hello,\" I say.", "'Who goes there?'", "retry the lock with the bent pin", "look",
    ])
    func linesThatAreNotCommandsAreInstructions(line: String) {
        #expect(CommandParser.parse(line) == .instruction(line))
    }

    @Test func typosOfCommandsAreCaughtNotSentToTheStory() {
        #expect(CommandParser.parse("hepl") == .nearMiss(typed: "hepl", suggestions: ["help"]))
        #expect(CommandParser.parse("retyr") == .nearMiss(typed: "retyr", suggestions: ["retry"]))
        #expect(CommandParser.parse("brnaches") == .nearMiss(typed: "brnaches", suggestions: ["branches"]))
    }

    @Test func misusedCommandsSayHowToWriteThem() {
        guard case .misuse(let advice) = CommandParser.parse("goto") else {
            Issue.record("goto without a number should be a misuse")
            return
        }
        #expect(advice.contains("goto 2"))
        if case .misuse = CommandParser.parse("edit 2") {} else { Issue.record("edit without text") }
    }

    @Test func helpSuggestsTopicsForNearMisses() {
        #expect(HelpTopics.text(for: "retyr").contains("`help retry`"))
        #expect(HelpTopics.text(for: "zzzz").contains("Type `help`"))
        #expect(HelpTopics.text(for: "undo").hasPrefix("undo:"))
    }

    @Test func nearMissCountsASwapAsOneEdit() {
        #expect(NearMiss.suggestions(for: "rdeo", among: ["redo", "read"]).first == "redo")
        #expect(NearMiss.suggestions(for: "xyz", among: ["who"]).isEmpty)
    }
}
