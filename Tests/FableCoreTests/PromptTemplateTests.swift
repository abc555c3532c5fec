@testable import FableCore
import Testing

@Suite struct PromptTemplateTests {
    @Test func fillsEachPlaceholderAndKeepsOtherBraces() {
        let filled = PromptTemplate.fill("{a} and {b}, {unknown} {not closed and {a}}", ["a": "x", "b": "yé"])
        #expect(filled == "x and yé, {unknown} {not closed and x}")
    }

    @Test func aValueIsNotFilledAgain() {
        // A story title holding a placeholder's name stays as written.
        let filled = PromptTemplate.fill("Story: {title}. Genre: {genre}.", ["title": "The {genre} Tower", "genre": "gothic"])
        #expect(filled == "Story: The {genre} Tower. Genre: gothic.")
    }

    @Test func textWithoutPlaceholdersIsUnchanged() {
        let text = "No braces here, only «quotes» and 中文."
        #expect(PromptTemplate.fill(text, ["a": "b"]) == text)
        #expect(PromptTemplate.fill("", ["a": "b"]) == "")
        #expect(PromptTemplate.fill("{a}", ["a": ""]) == "")
    }
}
