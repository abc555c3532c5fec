@testable import FableEngine
import Foundation
import Testing

/// `fable inspect` and `@inspect` as text.
@Suite struct InspectionTextTests {
    func inspection(premise: String) -> Inspection {
        Inspection(world: Inspection.WorldInfo(id: 1, storyID: "gull", title: "Gull Rock", mode: "adventure",
                                               language: "en", createdAt: Date(), premise: premise, answers: [:],
                                               canon: [], headStepID: nil),
                   memory: "", lastMemoryChange: "", pins: [], nextRetrieval: [], nextRetrievalFused: false)
    }

    /// The premise keeps the story file's line breaks; the report wraps its paragraphs afresh
    /// to the width asked for, so no line is cut short where the file's was.
    @Test func thePremiseIsWrappedByParagraphNotByTheStoryFilesLines() {
        let premise = """
            You are Tam Rowe, the new keeper of the lighthouse on
            Gull Rock, a bare island two hours by boat from the fishing
            town of Carrow.

            The boat will not come back for nine days; the radio
            works when it wants to.

            """
        let text = inspection(premise: premise).text(width: 40)
        let expected = """
            Premise:
              You are Tam Rowe, the new keeper of
              the lighthouse on Gull Rock, a bare
              island two hours by boat from the
              fishing town of Carrow.

              The boat will not come back for nine
              days; the radio works when it wants
              to.

            The story has not begun.
            """
        #expect(text.contains(expected), "\(text)")
    }
}
