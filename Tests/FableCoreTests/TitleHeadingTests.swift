@testable import FableCore
import Testing

@Suite struct TitleHeadingTests {
    let title = "The Last Keeper of Gull Rock"

    @Test(arguments: [
        ("The Last Keeper of Gull Rock - I, Tam Rowe, the keeper of the lighthouse.", "I, Tam Rowe, the keeper of the lighthouse."),
        ("\n\nThe Last Keeper of Gull Rock – I, Tam Rowe, keep the lamp.", "I, Tam Rowe, keep the lamp."),
        ("the last keeper of gull rock: You wake to the bell.", "You wake to the bell."),
        ("The Last Keeper of Gull Rock | Rain again on the gallery glass.", "Rain again on the gallery glass."),
    ])
    func aHeadingIsDroppedAndTheProseKept(text: String, prose: String) {
        #expect(TitleHeading.dropped(from: text, title: title) == prose)
    }

    @Test(arguments: [
        "The Last Keeper of Gull Rock. Genre: mystery. Style: quiet, salt-worn.",
        "The Last Keeper of Gull Rock: A Hero's Journey – [L] The Last Keeper",
        "The last keeper of Gull Rock - A Choice is Made - The Last Narrative - 1,2,3",
    ])
    func aTitleThatOpensTalkAboutTheStoryIsNotTheStory(text: String) {
        #expect(TitleHeading.opening(of: text, title: title) == .notTheStory)
        #expect(TitleHeading.dropped(from: text, title: title) == text)
    }

    @Test(arguments: ["The Last Keeper of Gull Rock watches the sea.", "The Last Keeper of Gull Rock, they call you.",
                      "You climb the stairs.", "The Last Keeper of Gull Rocks nothing"])
    func proseThatNamesTheTitleOrNotIsLeftAlone(text: String) {
        #expect(TitleHeading.opening(of: text, title: title) == nil)
        #expect(TitleHeading.opening(of: text, title: "") == nil)
    }
}
