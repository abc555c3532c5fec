import FableStories
import Testing

@Suite struct StoryQuestionTests {
    let season = StoryQuestion(name: "season", prompt: "Which season?", defaultAnswer: "winter", choices: ["winter", "Early Spring"])
    let hero = StoryQuestion(name: "hero", prompt: "Your name?")

    @Test func displayShowsTheDefaultAndNumberedChoices() {
        #expect(season.display == "Which season? [winter]\n  1. winter\n  2. Early Spring")
        #expect(hero.display == "Your name?")
    }

    @Test func anEmptyLineTakesTheDefault() {
        #expect(season.answer("   ") == .success("winter"))
        #expect(hero.answer("") == .failure(StoryAnswerError(question: "hero", message: "it has no default: please answer it")))
    }

    @Test func aNumberOrTheTextPicksAChoice() {
        #expect(season.answer("2") == .success("Early Spring"))
        #expect(season.answer("early spring") == .success("Early Spring"))
        #expect(season.answer("spring") == .success("Early Spring"), "a part of only one choice")
        #expect(StoryQuestion(name: "n", prompt: "p", choices: ["red wine", "white wine"]).answer("wine").isFailure)
        #expect(season.answer("3") == .failure(StoryAnswerError(
            question: "season", message: "answer a number from 1 to 2, or one of: winter, Early Spring")))
    }

    @Test func freeAnswersAreCleanedAndCapped() {
        #expect(hero.answer("  Mara\u{1B}[31m Quill \n") == .success("Mara[31m Quill"))
        let long = String(repeating: "a", count: 500)
        #expect(hero.answer(long) == .success(String(repeating: "a", count: StoryQuestion.answerCharacterCap)))
    }
}

extension Result {
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
