import FableCommands
@testable import FableServer
import Testing

/// The server's parser: the shared commands and the server's own, as readers type them.
@Suite struct CommandParserTests {
    let parser = ServerSets.parser

    private func parsed(_ line: String) -> String {
        switch parser.parse(line) {
        case .command(let command): return "\(command)"
        case .instruction(let text, _): return "instruction(\(text))"
        case .misuse(let advice): return "misuse(\(advice))"
        case .nearMiss(let typed, let suggestions): return "nearMiss(\(typed), \(suggestions))"
        case .empty: return "empty"
        }
    }

    @Test(arguments: [
        ("1", Choose(number: 1) as any Command), ("3", Choose(number: 3)),
        ("edit 2 run for the door", EditOption(number: 2, text: "run for the door")),
        ("retry", Retry()), ("UNDO", Undo()), ("redo", Redo()), ("branches", ListBranches()),
        ("goto 4", GoTo(branch: 4)), ("continue", Proceed()), ("auto 5", Auto(count: 5)), ("auto", Auto(count: 1)),
        ("stop", Stop()), ("memory", ShowMemory()), ("recall the silver key", Recall(words: "the silver key")),
        ("recap", Recap()), ("read", Read(from: nil)), ("read 12", Read(from: 12)), ("history 3", Read(from: 3)),
        ("export", Export(file: nil)), ("worlds", ListWorlds()), ("new lighthouse", NewWorld(story: "lighthouse")),
        ("new", NewWorld(story: nil)), ("play 2", PlayWorld(number: 2)), ("stories", ListStories()),
        ("settings width 60", ChangeSettings(name: "width", value: "60")),
        ("settings tone wry and warm", ChangeSettings(name: "tone", value: "wry and warm")),
        ("settings", ChangeSettings(name: nil, value: "")),
        ("help", Help(topic: nil)), ("help retry", Help(topic: "retry")), ("help Mara", Help(topic: "Mara")), ("who", Who()), ("quit", Quit()),
        ("memory edit The bell is glass.", EditMemory(text: "The bell is glass.")),
        ("pin The lamp must never go out", Pin(fact: "The lamp must never go out")),
        ("pin: the map is pinned to the door", Pin(fact: "the map is pinned to the door")),
        ("recall: what she said", Recall(words: "what she said")),
        ("@who", AdminWho()), ("@inspect olga", AdminInspect(name: "olga")), ("@snoop off", AdminSnoop(name: nil)),
        ("@shutdown 5", AdminShutdown(seconds: 5)), ("@shutdown soon", AdminUnknown(text: "shutdown soon")),
        ("@dance", AdminUnknown(text: "dance")),
    ])
    func commands(line: String, expected: any Command) {
        #expect(parsed(line) == "\(expected)")
    }

    @Test func emptyLinesAreNothing() {
        #expect(parsed("   ") == "empty")
    }

    @Test(arguments: [
        "I open the door", "read the letter", "undo the knot", "new york is far", "open the red door",
        "\"Hello,\" I say.", "'Who goes there?'", "retry the lock with the bent pin", "look",
        // A command word whose arguments are not the command's are the reader's instruction.
        "help the ferryman", "pin the map to the door", "recall what she said", "settings are strange here",
        "recall her face in the lamplight", "export the maps to the harbour", "play the flute",
    ])
    func linesThatAreNotCommandsAreInstructions(line: String) {
        #expect(parsed(line) == "instruction(\(line))")
    }

    @Test func typosOfCommandsAreCaughtNotSentToTheStory() {
        #expect(parsed("hepl") == "nearMiss(hepl, [\"help\"])")
        #expect(parsed("retyr") == "nearMiss(retyr, [\"retry\"])")
        #expect(parsed("brnaches") == "nearMiss(brnaches, [\"branches\"])")
    }

    @Test func misusedCommandsSayHowToWriteThem() {
        #expect(parsed("goto").hasPrefix("misuse(") && parsed("goto").contains("goto 2"))
        #expect(parsed("edit 2").hasPrefix("misuse("))
        #expect(parsed("pin").hasPrefix("misuse("))
        #expect(parsed("play").hasPrefix("misuse("))
    }

    @Test func everyServerCommandsHelpIsReachable() {
        let help = ServerSets.help
        for set in ServerSets.all {
            for command in set.commands {
                if set.isTopic {
                    // Admin commands are listed under their set's topic (`help admin`).
                    if command.help.summary != nil {
                        #expect(help.text(for: set.name).contains(command.help.usage), "\(command)")
                    }
                } else {
                    for word in command.words { #expect(help.topic(word) == command.help.topic, "help \(word)") }
                    if command.words.isEmpty { #expect(help.overview.contains(command.help.usage), "\(command)") }
                }
            }
        }
        #expect(help.overview.contains("Worlds: worlds, new STORY, play N, stories"))
        #expect(help.overview.contains("You: settings, who, help TOPIC, quit"))
        #expect(!help.overview.contains("@who"), "admin commands are not in every reader's overview")
        #expect(help.text(for: "admin").contains("  @shutdown [SECONDS]  shut the server down gracefully"))
    }
}
