import FableCore
import Testing

/// Long-term search's grain (a sentence), its CJK index terms, and what it searches with.
struct PiecesTests {
    @Test func aPassageSplitsIntoItsIndexLineAndSentences() {
        let pieces = StepPieces.split(
            indexLine: "The traveller finds the key.",
            passage: "Mara hid the silver key beneath the stairs. He nods. \"Who goes there?\" she called out loud! "
                + "The tide was 3.5 feet lower… Then the bell rang twice over the water")
        #expect(pieces.map(\.number) == [0, 1, 2, 3, 4])
        #expect(pieces.map(\.text) == [
            "The traveller finds the key.",
            "Mara hid the silver key beneath the stairs.",
            // A short sentence is joined to the next.
            "He nods. \"Who goes there?\" she called out loud!",
            "The tide was 3.5 feet lower…",
            "Then the bell rang twice over the water",
        ])
    }

    @Test func chineseSentencesSplitAtTheirOwnMarks() {
        let pieces = StepPieces.split(indexLine: "", passage: "张三把剑藏在古井里。李四不知道！他问：“剑在哪里？”")
        #expect(pieces.map(\.text) == ["张三把剑藏在古井里。", "李四不知道！", "他问：“剑在哪里？”"])
        #expect(pieces.map(\.number) == [1, 2, 3])
    }

    @Test func aShortLastSentenceJoinsTheOneBefore() {
        #expect(StepPieces.split(indexLine: "", passage: "The boat drifts out into the fog. Gone.").map(\.text)
                == ["The boat drifts out into the fog. Gone."])
        #expect(StepPieces.split(indexLine: "Line.", passage: "Gone.").map(\.text) == ["Line.", "Gone."])
        #expect(StepPieces.split(indexLine: "  ", passage: "").isEmpty)
    }

    @Test func aStepHasAtMostSixtyFourPiecesTheRestJoinTheLast() {
        let passage = (1...100).map { "Sentence number \($0) is here." }.joined(separator: " ")
        let pieces = StepPieces.split(indexLine: "Index.", passage: passage)
        #expect(pieces.count == 64)
        #expect(pieces.last?.number == 63)
        #expect(pieces.last?.text.hasSuffix("Sentence number 100 is here.") == true)
        #expect(pieces.last?.text.hasPrefix("Sentence number 63 is here.") == true)
    }

    @Test func pieceIDsSortByStepThenNumber() {
        #expect(StepPieces.pieceID(step: 7, number: 3) == 7 * 64 + 3)
        #expect(StepPieces.stepID(ofPiece: StepPieces.pieceID(step: 7, number: 63)) == 7)
        #expect(StepPieces.lastPieceID(ofStep: 7) < StepPieces.firstPieceID(ofStep: 8))
    }

    @Test func piecesGroupByTheirStepInOrder() {
        let ids: [Int64] = [StepPieces.pieceID(step: 3, number: 0), StepPieces.pieceID(step: 3, number: 2),
                            StepPieces.pieceID(step: 9, number: 1), StepPieces.pieceID(step: 3, number: 4)]
        #expect(StepPieces.byStep(ids) { $0 }.map { Array($0) } == [Array(ids[0...1]), [ids[2]], [ids[3]]])
        #expect(StepPieces.byStep([Int64]()) { $0 }.isEmpty)
        #expect(StepPieces.idsOfStep("step.id") == "BETWEEN step.id * 64 AND step.id * 64 + 63")
    }

    @Test func cjkRunsAreIndexedAsPairsAndFoundAsPairs() {
        #expect(CJKBigrams.indexed("张三丰在武当山。") == " 张三 三丰 丰在 在武 武当 当山 。")
        #expect(CJKBigrams.indexed("No CJK here.") == "No CJK here.")
        #expect(CJKBigrams.indexed("剑 and 刀") == " 剑  and  刀 ")
        #expect(SearchTerms.from(instruction: "武当山在哪里", memory: "") == ["武当", "当山", "山在", "在哪", "哪里"])
        // A run that mixes scripts: the CJK part as pairs, a short Latin part dropped as ever.
        #expect(SearchTerms.from(instruction: "3号房间 room", memory: "") == ["号房", "房间", "room"])
    }

    @Test func theQueryFollowsWhatTheNextPassageIsAbout() {
        let parent = StepContent(passage: "P.", memoryChange: "", memory: " The memory. ", indexLine: "The heron left.",
                                 options: ["Follow the heron.", "Ring the bell.", "Sleep."])
        #expect(RetrievalQuery.next(instruction: .option(1), after: parent)
                == RetrievalQuery(focus: ["Ring the bell."], memory: "The memory."))
        #expect(RetrievalQuery.next(instruction: .custom(" Ask about the key "), after: parent).focus == ["Ask about the key"])
        #expect(RetrievalQuery.next(instruction: .auto, after: parent).focus == parent.options)
        #expect(RetrievalQuery.next(instruction: .proceed, after: parent).focus == ["The heron left."] + parent.options)
        #expect(RetrievalQuery.text("", memory: "m").focus.isEmpty)
    }
}
