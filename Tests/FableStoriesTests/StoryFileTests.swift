import FableCore
import FableStories
import Foundation
import Testing

@Suite struct StoryFileTests {
    @Test func parsesFrontMatterAndBody() throws {
        let text = "---\ntitle: The Keep\ngenre: fantasy\nmode: novel\nlanguage: zh\nstyle: terse\n---\n\nA keep on a cliff.\n"
        let premise = try StoryFile.parse(text, storyID: "keep")
        #expect(premise == Premise(storyID: "keep", title: "The Keep", genre: "fantasy", mode: .novel,
                                   language: "zh", style: "terse", body: "A keep on a cliff."))
    }

    @Test func defaultsToEnglishAdventure() throws {
        let premise = try StoryFile.parse("---\ntitle: T\n---\nBody", storyID: "t")
        #expect(premise.mode == .adventure && premise.language == "en")
    }

    func error(_ text: String) -> String {
        do {
            _ = try StoryFile.parse(text, storyID: "s", file: "s.md")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func errorsNameTheLine() {
        #expect(error("title: T\nBody") .hasPrefix("s.md:1: start the file with a `---` line"))
        #expect(error("---\ngenre: x\n---\nBody") == "s.md:1: add a `title:` to the front matter")
        #expect(error("---\ntitle: T\nmode: epic\n---\nBody") == "s.md:3: `mode` is `adventure` or `novel`, not `epic`")
        #expect(error("---\ntitle: T\n---\n\n") == "s.md:4: write the premise below the front matter")
        #expect(error("---\ntitle: T\nstyle: [unclosed\n---\nBody").hasPrefix("s.md:"))
    }

    @Test func everyShippedStoryLoads() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../stories").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".md") }
        #expect(!files.isEmpty)
        for file in files {
            let premise = try StoryFile.load(path: folder.appendingPathComponent(file).path)
            #expect(!premise.title.isEmpty && !premise.body.isEmpty)
        }
    }
}
