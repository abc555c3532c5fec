import Foundation
import FableCore
import Testing

@Suite struct PromptBuilderTests {
    let premise = Premise(storyID: "keep", title: "The Keep", genre: "fantasy", mode: .adventure,
                          language: "es", style: "terse", body: "A keep on a cliff. PREMISE-MARK")

    func passage(_ mark: String, words: Int) -> RetrievedPassage {
        RetrievedPassage(stepID: Int64(words), depth: 2, indexLine: "index \(mark)",
                         passage: "\(mark) " + Array(repeating: "stone", count: words).joined(separator: " "), score: -1)
    }

    func context(retrieved: [RetrievedPassage] = [], instruction: Instruction = .custom("Open the gate")) -> StepContext {
        StepContext(premise: premise, outline: "OUTLINE-MARK", memory: "MEMORY-MARK",
                    lastPassage: "LAST-MARK", retrieved: retrieved,
                    options: ["Climb the wall", "Call the guard", "Wait"], instruction: instruction)
    }

    @Test func containsEveryPartInOrder() throws {
        let prompt = PromptBuilder(settings: .default).build(context(retrieved: [passage("RETRIEVED-MARK", words: 5)]))
        #expect(prompt.messages.map(\.role) == [.system, .user])
        let system = prompt.messages[0].content
        #expect(system.contains("The Keep") && system.contains("Spanish") && system.contains("terse"))
        #expect(system.contains("second person"))
        #expect(system.contains("- memory_change:") && system.contains("at most 250 words"))
        #expect(!system.contains("- outline:"), "only the opening writes an outline")
        #expect(!system.contains("\""), "no double quotes for a small model to copy into a value")
        let user = prompt.messages[1].content
        let marks = ["PREMISE-MARK", "OUTLINE-MARK", "MEMORY-MARK", "RETRIEVED-MARK", "LAST-MARK", "Open the gate"]
        let positions = try marks.map { try #require(user.range(of: $0)).lowerBound }
        #expect(positions == positions.sorted())
        #expect(prompt.retrievedStepIDs == [5])
    }

    @Test func openingAsksForTheOutline() {
        let prompt = PromptBuilder(settings: .default).build(StepContext(premise: premise))
        #expect(prompt.messages[0].content.contains("- outline:"))
        #expect(prompt.messages[1].content.contains(PromptText.openingInstruction))
        #expect(!prompt.messages[1].content.contains(PromptText.sectionOutline))
    }

    @Test func novelModeAndInstructionKinds() {
        var novel = context(instruction: .option(1))
        novel.premise.mode = .novel
        let prompt = PromptBuilder(settings: .default).build(novel)
        #expect(prompt.messages[0].content.contains("co-writing a novel"))
        #expect(prompt.messages[1].content.contains("Call the guard"))
        let auto = PromptBuilder(settings: .default).build(context(instruction: .auto)).messages[1].content
        #expect(auto.contains("1. Climb the wall") && auto.contains("3. Wait"))
        let proceed = PromptBuilder(settings: .default).build(context(instruction: .proceed)).messages[1].content
        #expect(proceed.contains(PromptText.proceedInstruction))
    }

    @Test func trimsRetrievedTextFirstAndKeepsTheContract() {
        let settings = StorySettings(promptTokenBudget: 900)
        let retrieved = [passage("FIRST", words: 400), passage("SECOND", words: 401), passage("THIRD", words: 402)]
        let prompt = PromptBuilder(settings: settings).build(context(retrieved: retrieved))
        #expect(prompt.estimatedTokens <= 900)
        let user = prompt.messages[1].content
        #expect(user.contains("FIRST"), "the best passage stays, trimmed if need be")
        #expect(!user.contains("THIRD"), "the worst-ranked passage goes first")
        #expect(user.contains("LAST-MARK") && user.contains("MEMORY-MARK") && user.contains("Open the gate"))
        #expect(prompt.messages[0].content.contains("- options: exactly 3"))
    }

    @Test func overlongLastPassageKeepsItsEnd() {
        var big = context()
        big.lastPassage = "BEGINNING " + Array(repeating: "wave", count: 3000).joined(separator: " ") + " ENDING"
        let prompt = PromptBuilder(settings: StorySettings(promptTokenBudget: 1000)).build(big)
        #expect(prompt.estimatedTokens <= 1000)
        #expect(prompt.messages[1].content.contains("ENDING"))
        #expect(!prompt.messages[1].content.contains("BEGINNING"))
    }

    @Test func capsTheReadersInstruction() {
        let long = String(repeating: "x", count: 5000)
        let prompt = PromptBuilder(settings: StorySettings(instructionCharacterCap: 100)).build(context(instruction: .custom(long)))
        #expect(prompt.messages[1].content.contains(String(repeating: "x", count: 100)))
        #expect(!prompt.messages[1].content.contains(String(repeating: "x", count: 101)))
    }

    @Test func correctionNamesTheProblem() {
        let note = PromptBuilder(settings: .default).correction(for: .invalid(["the passage is empty"]))
        #expect(note.role == .user && note.content.contains("the passage is empty"))
    }

    @Test func schemaListsFieldsInContractOrder() throws {
        let schema = ReplySchema.json(opening: false)
        let order = ["passage", "memory_change", "memory\"", "index_line", "options"].map {
            schema.range(of: "\"\($0)")!.lowerBound
        }
        #expect(order == order.sorted())
        #expect(ReplySchema.json(opening: true).contains(#""required":["outline","passage""#))
    }

    @Test func schemaLimitsAreValidJSONAndCanBeSwitchedOff() throws {
        let limited = ReplySchema.json(opening: true, mode: .novel, settings: StorySettings(memoryWordCap: 100))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(limited.utf8)) as? [String: Any])
        let properties = try #require(object["properties"] as? [String: [String: Any]])
        #expect(properties["memory"]?["maxLength"] as? Int == 500)
        #expect(properties["passage"]?["maxLength"] as? Int == 1990)
        #expect(properties["options"]?["minItems"] as? Int == 3)
        let plain = ReplySchema.json(opening: false, settings: StorySettings(constrainReplyLengths: false))
        #expect(!plain.contains("maxLength") && !plain.contains("minItems"))
        #expect(try JSONSerialization.jsonObject(with: Data(plain.utf8)) is [String: Any])
    }
}
