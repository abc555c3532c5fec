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

    // MARK: - Canon, lore, rating and the reader's wishes

    var lorePremise: Premise {
        var premise = premise
        premise.canon = ["CANON-MARK The keep has one gate."]
        premise.lore = [LoreEntry(keys: ["old mill"], text: "MILL-LORE The mill burned long ago."),
                        LoreEntry(keys: ["/wolf|wolves/"], text: "WOLF-LORE The wolves fear fire."),
                        LoreEntry(keys: ["bell"], text: "BELL-LORE The bell is cracked.")]
        return premise
    }

    func loreContext(instruction: String, lastPassage: String = "LAST-MARK", memory: String = "MEMORY-MARK") -> StepContext {
        StepContext(premise: lorePremise, outline: "OUTLINE-MARK", memory: memory, lastPassage: lastPassage,
                    instruction: .custom(instruction))
    }

    @Test func loreEntersThePromptOnlyWhenItsKeyAppears() {
        let builder = PromptBuilder(settings: .default)
        let with = builder.build(loreContext(instruction: "I walk to the Old Mill"))
        #expect(with.messages[1].content.contains(PromptText.sectionLore))
        #expect(with.messages[1].content.contains("MILL-LORE"))
        #expect(!with.messages[1].content.contains("WOLF-LORE") && !with.messages[1].content.contains("BELL-LORE"))
        #expect(with.lore.map(\.text) == ["MILL-LORE The mill burned long ago."])

        let without = builder.build(loreContext(instruction: "I walk to the windmill"))
        #expect(!without.messages[1].content.contains("MILL-LORE"))
        #expect(!without.messages[1].content.contains(PromptText.sectionLore), "no entry, no section")
        #expect(without.lore.isEmpty)
    }

    @Test func loreKeysAreSoughtInTheLastPassageTheInstructionAndTheMemory() {
        let builder = PromptBuilder(settings: .default)
        let user = builder.build(loreContext(instruction: "Ring the bell", lastPassage: "Wolves circle.",
                                             memory: "The old mill is near.")).messages[1].content
        let marks = ["BELL-LORE", "WOLF-LORE", "MILL-LORE"]
        let positions = marks.compactMap { user.range(of: $0)?.lowerBound }
        #expect(positions.count == 3 && positions == positions.sorted(), "instruction first, then the last passage, then the memory")
        // The opening has no passage, instruction or memory yet: the premise itself triggers lore.
        var opening = StepContext(premise: lorePremise)
        opening.premise.body += " Wolves live in the hills."
        #expect(builder.build(opening).messages[1].content.contains("WOLF-LORE"))
    }

    @Test func canonIsAlwaysThereAfterThePremise() throws {
        let prompt = PromptBuilder(settings: .default).build(loreContext(instruction: "Wait"))
        let user = prompt.messages[1].content
        let marks = ["PREMISE-MARK", "CANON-MARK", "OUTLINE-MARK", "MEMORY-MARK", "LAST-MARK", "Wait"]
        let positions = try marks.map { try #require(user.range(of: $0)).lowerBound }
        #expect(positions == positions.sorted())
        #expect(user.contains("\(PromptText.sectionCanon)\n- CANON-MARK"))
    }

    @Test func loreIsTrimmedAfterRetrievedPassagesAndBeforeTheLastPassage() {
        var context = loreContext(instruction: "Ring the bell",
                                  lastPassage: "LAST-START Wolves circle. " + Array(repeating: "tide", count: 300).joined(separator: " "),
                                  memory: "MEMORY-MARK The old mill is near.")
        let retrieved = passage("RETRIEVED-MARK", words: 400)
        context.retrieved = [retrieved]
        let full = PromptBuilder(settings: .default).build(context)
        #expect(full.lore.count == 3 && full.retrievedStepIDs == [400])
        // Enough room for the lore but not for the retrieved passage.
        let room = full.estimatedTokens - TextMeasure.tokens(retrieved.passage) + 20
        let noRetrieved = PromptBuilder(settings: StorySettings(promptTokenBudget: room)).build(context)
        #expect(noRetrieved.retrievedStepIDs.isEmpty && noRetrieved.lore.count == 3)
        #expect(!noRetrieved.messages[1].content.contains("RETRIEVED-MARK"))
        // Less still: lore goes, least urgent first (the memory's), before the last passage is cut.
        let tight = PromptBuilder(settings: StorySettings(promptTokenBudget: noRetrieved.estimatedTokens - 5)).build(context)
        #expect(tight.lore.map(\.text) == ["BELL-LORE The bell is cracked.", "WOLF-LORE The wolves fear fire."])
        #expect(tight.messages[1].content.contains("LAST-START"))
        #expect(tight.estimatedTokens <= noRetrieved.estimatedTokens - 5)
    }

    @Test func loreTakesAtMostAQuarterOfTheBudget() {
        var premise = lorePremise
        premise.lore = (1...20).map { LoreEntry(keys: ["bell"], text: "ENTRY-\($0) " + Array(repeating: "bronze", count: 60).joined(separator: " ")) }
        var context = loreContext(instruction: "Ring the bell")
        context.premise = premise
        let prompt = PromptBuilder(settings: StorySettings(promptTokenBudget: 2000)).build(context)
        let loreTokens = prompt.lore.reduce(0) { $0 + TextMeasure.tokens($1.text) }
        #expect(!prompt.lore.isEmpty && loreTokens <= 500)
        #expect(prompt.lore.first?.text.hasPrefix("ENTRY-1 ") == true, "in file order")
    }

    @Test func ratingIsInTheSystemMessage() {
        var context = context()
        context.premise.rating = .mature
        #expect(PromptBuilder(settings: .default).build(context).messages[0].content.contains(PromptText.rating(.mature)))
        context.premise.rating = .everyone
        #expect(PromptBuilder(settings: .default).build(context).messages[0].content.contains("all ages"))
    }

    @Test func readersWishesAreAShortSectionBeforeTheInstruction() throws {
        var context = context()
        let plain = PromptBuilder(settings: .default).build(context)
        #expect(!plain.messages[1].content.contains(PromptText.sectionWishes))
        #expect(plain.messages[0].content.contains("about 120 to 250 words"))

        context.preferences = ReaderPreferences(passageLength: .short, tone: "light-hearted, \"cosy\"", avoid: "spiders\nand gore")
        let prompt = PromptBuilder(settings: .default).build(context)
        let user = prompt.messages[1].content
        let wishes = try #require(user.range(of: PromptText.sectionWishes))
        let instruction = try #require(user.range(of: PromptText.sectionInstruction))
        let last = try #require(user.range(of: "LAST-MARK"))
        #expect(last.lowerBound < wishes.lowerBound && wishes.lowerBound < instruction.lowerBound)
        #expect(user.contains("Passage length: short, about 60 to 120 words each."))
        #expect(user.contains("Tone: light-hearted, 'cosy'."))
        #expect(user.contains("Leave out entirely, whatever happens: spiders and gore."))
        #expect(prompt.messages[0].content.contains("about 60 to 120 words"), "the mode asks for the same length")
        #expect(!user.contains("\""), "the reader's double quotes are not passed on")

        var novel = context
        novel.premise.mode = .novel
        novel.preferences = ReaderPreferences(passageLength: .long)
        let long = PromptBuilder(settings: .default).build(novel)
        #expect(long.messages[0].content.contains("about 500 to 700 words"))
        #expect(!long.messages[1].content.contains("Tone:"))
    }

    @Test func ourOwnWordsHaveNoDoubleQuotes() {
        var context = loreContext(instruction: "the bell")
        context.preferences = ReaderPreferences(passageLength: .long, tone: "grim", avoid: "gore")
        for rating in ContentRating.allCases {
            context.premise.rating = rating
            let prompt = PromptBuilder(settings: .default).build(context)
            #expect(!prompt.messages.contains { $0.content.contains("\"") })
        }
    }
}
