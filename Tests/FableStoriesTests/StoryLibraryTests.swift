import FableCore
import FableStories
import FableTestSupport
import Foundation
import Testing

@Suite struct StoryLibraryTests {
    let folder: URL

    init() throws {
        folder = ScratchFolder.make("fable-library")
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    func story(_ title: String) -> String {
        "---\ntitle: \(title)\nquestions:\n  - name: hero\n    prompt: Who?\n    default: Ada\n---\n${hero} waits in \(title)."
    }

    @Test func listsGoodStoriesAndTheProblemsOfTheRest() throws {
        try write("b-keep.md", story("The Keep"))
        try write("a-mill.md", story("The Mill"))
        try write("broken.md", "---\ntitle: Broken\nmode: epic\n---\n")
        try write("README.md", "# Not a story")
        try write("_draft.md", "not even front matter")
        try write("notes.txt", "ignored")
        let library = StoryLibrary(directory: folder.path)
        let (stories, problems) = library.stories()
        #expect(stories.map(\.id) == ["a-mill", "b-keep"])
        #expect(problems.count == 2 && problems.allSatisfy { $0.file.hasSuffix("broken.md") })
        #expect(try library.story(id: "b-keep")?.title == "The Keep")
        #expect(try library.story(id: "nope") == nil)
        #expect(try library.story(id: "../b-keep") == nil)
        #expect(try library.story(id: "README") == nil)
        #expect(throws: StoryFileError.self) { try library.story(id: "broken") }
    }

    @Test func picksUpNewAndChangedFilesWithoutARestart() throws {
        let library = StoryLibrary(directory: folder.path)
        #expect(library.stories().stories.isEmpty)
        try write("keep.md", story("The Keep"))
        #expect(library.stories().stories.map(\.title) == ["The Keep"])
        try write("keep.md", story("The Changed Keep"))
        #expect(try library.story(id: "keep")?.title == "The Changed Keep")
        try FileManager.default.removeItem(at: folder.appendingPathComponent("keep.md"))
        #expect(library.stories().stories.isEmpty)
    }

    /// A world stores its premise as JSON; the file can change or go without touching it.
    @Test func aPremiseIsASnapshotOfTheFile() throws {
        try write("keep.md", story("The Keep"))
        let library = StoryLibrary(directory: folder.path)
        let premise = try #require(try library.story(id: "keep")).premise(answers: ["hero": "Io"])
        let stored = try JSONEncoder().encode(premise)

        try write("keep.md", "---\ntitle: Rewritten\nmode: oops\n---\n")
        #expect(throws: StoryFileError.self) { try library.story(id: "keep") }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("keep.md"))
        #expect(try library.story(id: "keep") == nil)

        let restored = try JSONDecoder().decode(Premise.self, from: stored)
        #expect(restored == premise)
        #expect(restored.title == "The Keep" && restored.body == "Io waits in The Keep." && restored.answers == ["hero": "Io"])
    }

    @Test func checkTakesFilesAndFolders() throws {
        try write("good.md", story("Good"))
        try write("bad.md", "---\ntitle: Bad\n---\n")
        let report = StoryFolder.check(paths: [folder.path, folder.appendingPathComponent("good.md").path])
        #expect(report.files.count == 3 && report.problems.count == 1 && report.badFileCount == 1)
        #expect(report.problems[0].description.hasSuffix("bad.md:4: write the premise below the front matter: "
            + "a few paragraphs in Markdown that set the scene, the hero and what is at stake"))
        let empty = ScratchFolder.make("fable-empty")
        #expect(StoryFolder.check(paths: [empty.path]).problems.map(\.message) == ["no story files (*.md) in this folder"])
    }
}
