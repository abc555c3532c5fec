import FableCore
import Testing

@Suite struct ParagraphsTests {
    @Test func linesOfAParagraphAreJoinedAndBlankLinesKept() {
        #expect(Paragraphs.unwrapped("one\ntwo  \n   three\n\n\n\nfour\nfive\n") == "one two three\n\nfour five")
        #expect(Paragraphs.unwrapped("\n\n  alone  \n\n") == "alone")
        #expect(Paragraphs.unwrapped("") == "")
    }

    @Test func windowsLineEndingsAreLineBreaksToo() {
        #expect(Paragraphs.unwrapped("one\r\ntwo\r\n\r\nthree") == "one two\n\nthree")
    }

    @Test func wideCharactersJoinWithoutASpace() {
        #expect(Paragraphs.unwrapped("寒江渡口的风灯\n已经亮了二十年。\nThen\nCarrow") == "寒江渡口的风灯已经亮了二十年。Then Carrow")
    }

    @Test func listItemsHeadingsAndQuotesKeepTheirLines() {
        let text = "# The Keep\nWhat you carry:\n- a lamp\n- a knife\n  that is blunt\n1. first\n> a quote\nand more"
        #expect(Paragraphs.unwrapped(text)
            == "# The Keep\nWhat you carry:\n- a lamp\n- a knife that is blunt\n1. first\n> a quote and more")
    }
}
