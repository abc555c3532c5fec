import FableCommands
import Testing

@Suite struct HelpTextTests {
    let help = HelpText(sets: [StandardSets.play, StandardSets.remember])

    @Test func everyCommandsHelpIsReachable() {
        for command in StandardSets.play.commands + StandardSets.remember.commands {
            #expect(!command.help.topic.isEmpty && !command.help.usage.isEmpty)
            for word in command.words {
                #expect(help.topic(word) == command.help.topic, "help \(word)")
            }
            // A command without words of its own is reached through another's words and listed.
            if command.words.isEmpty { #expect(help.overview.contains(command.help.usage), "\(command)") }
        }
    }

    @Test func theOverviewListsTheSetsInOrder() {
        let overview = help.overview
        #expect(overview.hasPrefix("Play: type 1, 2 or 3 to choose an option"))
        #expect(overview.contains("  undo / redo      step back / forward again"))
        #expect(overview.contains("  branches, goto N every version you have written, and jumping to one"))
        #expect(overview.contains("Remember: memory, memory edit TEXT, pin FACT, unpin N, recall WORDS, recap, read [N], export"))
        #expect(overview.firstRange(of: "continue")!.lowerBound < overview.firstRange(of: "Remember")!.lowerBound)
    }

    @Test func helpSuggestsTopicsForNearMisses() {
        #expect(help.text(for: "retyr").contains("`help retry`"))
        #expect(help.text(for: "zzzz").contains("Type `help`"))
        #expect(help.text(for: "undo").hasPrefix("undo:"))
    }

    @Test func nearMissCountsASwapAsOneEdit() {
        #expect(NearMiss.suggestions(for: "rdeo", among: ["redo", "read"]).first == "redo")
        #expect(NearMiss.suggestions(for: "xyz", among: ["who"]).isEmpty)
    }
}
