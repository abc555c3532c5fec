import FableCore
import FableStories
import FableTestSupport
import Foundation
import Testing

/// A full story file exercising every field.
let fullStory = """
    ---
    title: The Keep of ${hero}
    genre: fantasy
    mode: novel
    language: zh
    style: terse
    rating: teen
    questions:
      - name: hero
        prompt: Who holds the keep?
        default: Ada
      - name: season
        prompt: Which season?
        default: winter
        choices: [winter, spring]
    canon:
      - ${hero} has never left the keep.
      - It is ${season}.
    lore:
      - keys: [old mill, /wolf|wolves/]
        text: The mill burned when ${hero} was a child.
      - keys: ['${hero}']
        text: ${hero} is left-handed.
    ---

    A keep on a cliff. ${hero} waits for the ${season} ships.
    A literal $${name} stays.
    """

@Suite struct StoryFileTests {
    @Test func readsEveryField() throws {
        let story = try StoryFile.parse(fullStory, id: "keep")
        #expect(story.id == "keep" && story.title == "The Keep of ${hero}" && story.genre == "fantasy")
        #expect(story.mode == .novel && story.language == "zh" && story.style == "terse" && story.rating == .teen)
        #expect(story.questions == [StoryQuestion(name: "hero", prompt: "Who holds the keep?", defaultAnswer: "Ada"),
                                    StoryQuestion(name: "season", prompt: "Which season?", defaultAnswer: "winter",
                                                  choices: ["winter", "spring"])])
        #expect(story.canon == ["${hero} has never left the keep.", "It is ${season}."])
        #expect(story.lore.map(\.keys) == [["old mill", "/wolf|wolves/"], ["${hero}"]])
        #expect(story.body.hasPrefix("A keep on a cliff."))
    }

    @Test func defaultsToAnEnglishAdventureForEveryone() throws {
        let story = try StoryFile.parse("---\ntitle: T\n---\nBody", id: "t")
        #expect(story.mode == .adventure && story.language == "en" && story.rating == .everyone)
        #expect(story.questions.isEmpty && story.canon.isEmpty && story.lore.isEmpty)
        #expect(try story.premise(answers: [:]) == Premise(storyID: "t", title: "T", body: "Body"))
    }

    @Test func answersFillEveryPlaceholder() throws {
        let premise = try StoryFile.parse(fullStory, id: "keep").premise(answers: ["hero": "Mo.Li", "season": "2"])
        #expect(premise.title == "The Keep of Mo.Li")
        #expect(premise.canon == ["Mo.Li has never left the keep.", "It is spring."])
        #expect(premise.lore[0].text == "The mill burned when Mo.Li was a child.")
        #expect(premise.lore[1].keys == ["Mo.Li"])
        #expect(premise.body.contains("Mo.Li waits for the spring ships."))
        #expect(premise.body.contains("A literal ${name} stays."), "$${ writes a literal ${")
        #expect(premise.answers == ["hero": "Mo.Li", "season": "spring"])
        #expect(premise.mode == .novel && premise.language == "zh" && premise.rating == .teen)
    }

    @Test func missingAnswersTakeTheDefaults() throws {
        let premise = try StoryFile.parse(fullStory, id: "keep").premise(answers: ["hero": "  "])
        #expect(premise.answers == ["hero": "Ada", "season": "winter"])
        #expect(premise.title == "The Keep of Ada")
    }

    @Test func anAnswerInARegularExpressionKeyStandsForItself() throws {
        let text = "---\ntitle: T\nquestions:\n  - name: pet\n    prompt: Pet?\nlore:\n  - keys: ['/${pet}s?/']\n    text: A pet.\n---\nBody"
        let premise = try StoryFile.parse(text, id: "t").premise(answers: ["pet": "c.t"])
        #expect(premise.lore[0].keys == [#"/c\.ts?/"#])
        #expect(premise.lore[0].isTriggered(by: "Two c.ts sleep."))
        #expect(!premise.lore[0].isTriggered(by: "Two cats sleep."))
    }

    @Test func aQuestionWithoutDefaultNeedsAnAnswer() throws {
        let text = "---\ntitle: T\nquestions:\n  - name: hero\n    prompt: Name?\n---\n${hero} wakes."
        let story = try StoryFile.parse(text, id: "t")
        #expect(throws: StoryAnswerError(question: "hero", message: "it has no default: please answer it")) {
            try story.premise(answers: [:])
        }
        #expect(try story.premise(answers: ["hero": "Io"]).body == "Io wakes.")
        let choices = try StoryFile.parse(fullStory, id: "keep")
        #expect(throws: StoryAnswerError.self) { try choices.premise(answers: ["season": "summer"]) }
        #expect("\(StoryAnswerError(question: "hero", message: "m"))" == "the question `hero`: m")
    }

    @Test func loadNamesTheStoryAfterItsFile() throws {
        let folder = ScratchFolder.make("fable-story")
        let path = folder.appendingPathComponent("keep.md").path
        try fullStory.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try StoryFile.load(path: path).id == "keep")
        #expect(try StoryFile.loadPremise(path: path).title == "The Keep of Ada")
        #expect(StoryFile.check(path: path).isEmpty)
        let missing = StoryFile.check(path: folder.appendingPathComponent("gone.md").path)
        #expect(missing.count == 1 && missing[0].line == 0 && missing[0].message.contains("no such file"))
    }

    @Test func everyShippedStoryPassesCheck() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../stories").standardizedFileURL.path
        let report = StoryFolder.check(paths: [folder])
        #expect(report.files.count >= 8)
        #expect(report.isGood, "\(report.problems.map(\.description).joined(separator: "\n"))")
        let stories = report.files.compactMap { try? StoryFile.load(path: $0) }
        #expect(stories.contains { $0.id == "lighthouse" })
        #expect(Set(stories.map(\.mode)) == [.adventure, .novel])
        #expect(stories.contains { $0.language.hasPrefix("zh") })
        #expect(stories.contains { !$0.language.hasPrefix("zh") && !$0.language.hasPrefix("en") })
        for story in stories {
            #expect(!story.questions.isEmpty && !story.canon.isEmpty && !story.lore.isEmpty, "\(story.id) shows every feature")
            // Every shipped story starts with its defaults (scripts and tests rely on it).
            let premise = try story.premise(answers: [:])
            #expect(!premise.body.contains("${") && !premise.title.contains("${"), "\(story.id)")
        }
    }
}
