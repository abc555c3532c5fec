@testable import FableCore
import Testing

@Suite struct PassageGateTests {
    let story = "The lantern gutters as you step onto the reed bridge. Below, the water is black and slow, "
        + "and somewhere under it a bell answers the wind. You stop, and the keeper's daughter stops beside you."

    /// Feeds `text` a few characters at a time; returns what was shown and the gate.
    func run(_ text: String, finishing: Bool = true, held: Int = PassageGate.heldCharacters) -> (shown: String, gate: PassageGate) {
        var gate = PassageGate(heldCharacters: held)
        var shown = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            let piece = rest.prefix(7)
            rest = rest.dropFirst(7)
            shown += gate.feed(String(piece), finished: finishing && rest.isEmpty)
        }
        return (shown, gate)
    }

    @Test func aStoryIsHeldBackAtFirstThenShownWhole() {
        var gate = PassageGate()
        let held = PassageGate.heldCharacters - 10
        #expect(gate.feed(String(story.prefix(held)), finished: false) == "", "the first characters wait")
        let rest = gate.feed(String(story.dropFirst(held)), finished: true)
        #expect(rest == story && gate.problem == nil)
        #expect(run(story).shown == story)
        // A short passage is shown when it ends.
        #expect(run("You wake.").shown == "You wake.")
    }

    @Test(arguments: ["{2} # The Last Keeper of Gull Rock", "]/*#[0]+(123)|/*: I am on the ship", "  [6] Choose anything else",
                      "# Short-term memory\nThe bell", ",#1-3, #4:67:80592945(1) #1-4", ": and so"])
    func aPassageThatOpensWithCodeIsStoppedUnseen(opening: String) {
        let (shown, gate) = run(opening + " " + story)
        #expect(shown == "" && gate.problem?.contains("begins with code") == true)
    }

    @Test(arguments: ["“Wake up,” she says.", "— Who goes there?", "1923 was the year the lamp failed.", "…and then the bell.",
                      "(Later.) You wake.", "¿Quién anda ahí?", "*Thunder.* You wake."])
    func proseMayOpenWithQuotesDashesDigitsAndMarks(opening: String) {
        let (shown, gate) = run(opening + " " + story)
        #expect(gate.problem == nil && shown == opening + " " + story)
    }

    @Test(arguments: ["The Last Keeper of Gull Rock: A Hero's Journey | [L] The Last Keeper",
                      "The last keeper of Gull Rock - A Choice is Made - The Last Narrative - 1,2,3",
                      "The Last Keeper of Gull Rock. Tear-fused to reality"])
    func aPassageThatOpensWithTheTitleAndTalkAboutTheStoryIsStoppedUnseen(opening: String) {
        var gate = PassageGate(title: "The Last Keeper of Gull Rock")
        let shown = gate.feed(opening + " " + story, finished: false)
        #expect(shown == "" && gate.problem?.contains("title as a heading") == true)
    }

    @Test(arguments: ["The Last Keeper of Gull Rock - ", "  The Last Keeper of Gull Rock – ", "The Last Keeper of Gull Rock: "])
    func aTitleHeadingIsNeverShownAndThePassageAfterItIs(heading: String) {
        var gate = PassageGate(title: "The Last Keeper of Gull Rock")
        var shown = ""
        var rest = Substring(heading + story)
        while !rest.isEmpty {
            let piece = rest.prefix(5)
            rest = rest.dropFirst(5)
            shown += gate.feed(String(piece), finished: rest.isEmpty)
        }
        #expect(gate.problem == nil && shown == story && gate.shown == story)
        // What comes after the heading is the passage's opening: code there is stopped unseen.
        var coded = PassageGate(title: "The Last Keeper of Gull Rock")
        #expect(coded.feed(heading + "`x = 1` " + story, finished: false) == "" && coded.problem?.contains("code") == true)
    }

    @Test(arguments: ["1472, 6, 8, 509, 3, 4; 4. I'm going to go back and re-do it", "12 14 18 22 31 40 — the bell",
                      "2018-10-15 19:47:26.595; 4; 3,12 and so on"])
    func aPassageThatOpensWithAListOfNumbersIsStoppedUnseen(opening: String) {
        let (shown, gate) = run(opening + " " + story)
        #expect(shown == "" && gate.problem?.contains("list of numbers") == true)
    }

    @Test(arguments: ["1847. The winter the lamp failed was long.", "3 days later, the boat came back.",
                      "In 1923, 14 keepers had served here."])
    func proseMayOpenWithAYearOrACount(opening: String) {
        let (shown, gate) = run(opening + " " + story)
        #expect(gate.problem == nil && shown == opening + " " + story)
    }

    @Test func proseMayNameTheTitle() {
        for opening in ["The Last Keeper of Gull Rock watches the sea.", "The Last Keeper of Gull Rock, they call you. "] {
            var gate = PassageGate(title: "The Last Keeper of Gull Rock")
            #expect(gate.feed(opening + story, finished: true) == opening + story && gate.problem == nil)
        }
        // Without a title, nothing is a title heading.
        var gate = PassageGate()
        #expect(gate.feed(": heading " + story, finished: true) == "" && gate.problem?.contains("title") != true)
    }

    @Test func bracesAnywhereStopThePassage() {
        let (shown, gate) = run(story + " }</jsonObject>{text} 2016-07-28")
        #expect(gate.problem?.contains("JSON") == true && !shown.contains("jsonObject"))
    }

    @Test func anEchoIsStoppedUnseenWhenItShowsEarlyAndAsSoonAsItShowsLater() {
        let early = run("The Last Keeper of Gull Rock. Reply with one JSON object using a dictionary. " + story)
        #expect(early.shown == "" && early.gate.problem?.contains("repeats the instructions") == true)
        // After the held characters, the passage was shown; the echo still stops what follows.
        let late = run(story + " Choose whichever of these moves makes the best story, and write it.")
        #expect(late.gate.problem != nil)
        #expect(late.shown.hasPrefix(String(story.prefix(PassageGate.heldCharacters))) && !late.shown.contains("best story"))
    }

    @Test func noiseIsStoppedUnseenAtTheStartAndBeforeItIsShownLater() {
        let opening = run(#"""
            ""

            ",">".</>", "\\'<=>`, "'','"', "',`:"; """; ""::''; "".*;"""; """."""."""."""."
            """# + " " + story)
        #expect(opening.shown == "" && opening.gate.problem == "the passage is not prose")
        let noise = "a5,u4078269-13c7.tjvnpw4yYVNnCJ1EHWUiRFZLxKrqYBg+MZlzbG/sXoGdOEhk3Lm_55,S8D0u2QA9I6p74eT-jvw"
        let late = run(story + " " + noise)
        #expect(late.gate.problem == "the passage is not prose")
        // A run is judged once longer than a word can be: at most that much of it is shown.
        #expect(late.shown.hasPrefix(story) && late.shown.count <= story.count + 1 + ProseCheck.longestRun)
    }
}
