import FableCommands
import FableCore
import FableStories

/// A world's questions, asked one at a time before it starts.
struct PendingQuestions {
    var story: StoryListing
    var index = 0
    var answers: [String: String] = [:]
}

/// Worlds and stories: listing, starting, resuming.
extension ReaderSession {
    func ownWorlds() async -> [World] {
        guard let account else { return [] }
        return (try? await worlds.worlds(ownerID: account.id)) ?? []
    }

    func askNextQuestion() async {
        guard let pending = questions else { return }
        guard pending.index < pending.story.questions.count else {
            questions = nil
            await start(pending.story, answers: pending.answers)
            return
        }
        let question = pending.story.questions[pending.index]
        await screen.sayUntrusted(question.display)
        await screen.prompt("? ")
    }

    func answer(_ line: String) async {
        guard var pending = questions else { return }
        let question = pending.story.questions[pending.index]
        if ["cancel", "stop"].contains(line.trimmingCharacters(in: .whitespaces).lowercased()) {
            questions = nil
            await screen.say("No new world, then.")
            return
        }
        let answer: String
        switch question.answer(line) {
        case .success(let given):
            answer = given
        case .failure(let problem):
            await screen.say("Please \(problem.message) (or type `cancel`).")
            await askNextQuestion()
            return
        }
        pending.answers[question.name] = answer
        pending.index += 1
        questions = pending
        await askNextQuestion()
    }

    private func start(_ story: StoryListing, answers: [String: String]) async {
        guard let account else { return }
        do {
            let premise = try context.catalog.premise(storyID: story.id, answers: answers)
            let world = try await worlds.createWorld(label: "reader:\(account.id)", premise: premise,
                                                     ownerID: account.id)
            context.logger.info("world started", metadata: ["reader": "\(account.name)", "story": "\(story.id)"])
            await enter(world)
        } catch {
            await screen.say("That story cannot start: \(error).")
        }
    }

    /// Makes `world` the reader's current one: shows where they are, or begins it.
    /// The caller shows the prompt (when no step is being written).
    func enter(_ world: World) async {
        guard let account else { return }
        worldID = world.id
        pager = []
        try? await context.store.setLastWorld(accountID: account.id, worldID: world.id)
        self.account?.lastWorldID = world.id
        await context.registry.update(registryID, activity: "playing \(world.premise.title)")
        let title = TerminalText.sanitize(world.premise.title)
        await screen.say(account.settings.screenReader ? "\(title)." : "— \(title) —")
        await gmcpWorld(world)
        if let head = try? await worlds.head(worldID: world.id) {
            await screen.say("(Step \(head.depth). `recap` for the story so far, `help` for commands.)")
            await show(head)
        } else {
            await begin(world.id)
        }
    }
}
