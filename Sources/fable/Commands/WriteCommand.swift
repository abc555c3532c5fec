import ArgumentParser
import FableCore
import FableEngine
import FableStories
import Foundation

struct WriteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "write",
        abstract: "Write a story unattended: the model picks among its own options each step.",
        discussion: "Run it again with the same --out to resume where it stopped. Progress goes to standard error.")

    @Option(help: "The story file, e.g. stories/lighthouse.md.")
    var story: String

    @Option(help: "How many steps the story should have in all.")
    var steps: Int

    @Option(help: "The Markdown file to write.")
    var out: String

    @OptionGroup var common: CommonOptions

    func run() async throws {
        guard steps > 0 else { throw ValidationError("--steps must be at least 1") }
        let runtime: Runtime
        let premise: Premise
        do {
            runtime = try await Runtime(common)
            premise = try StoryFile.loadPremise(path: story)
        } catch {
            throw ValidationError("\(error)")
        }
        do {
            try await write(runtime: runtime, premise: premise)
        } catch {
            Console.err("\nfable: \(runtime.failure(error))\n")
            throw ExitCode.failure
        }
    }

    private func write(runtime: Runtime, premise: Premise) async throws {
        let store = runtime.store
        // The output file names the world, so running the same command again resumes it.
        let label = "write:" + URL(fileURLWithPath: out).standardizedFileURL.path
        var world: World
        if let existing = try await store.world(label: label) {
            world = existing
        } else {
            world = try await store.createWorld(label: label, premise: premise)
        }
        var depth = 0
        var words = 0
        if let headID = world.headStepID {
            // Rewrite the file from the store: a killed run may have left half a passage.
            let path = try await store.path(to: headID)
            depth = path.count
            words = path.reduce(0) { $0 + TextMeasure.words($1.content.passage) }
            try StoryMarkdown.render(title: world.premise.title, steps: path, instructions: false)
                .write(toFile: out, atomically: true, encoding: .utf8)
        } else {
            try StoryMarkdown.header(title: premise.title).write(toFile: out, atomically: true, encoding: .utf8)
        }
        guard let file = FileHandle(forWritingAtPath: out) else {
            throw ValidationError("cannot write \(out)")
        }
        defer { try? file.close() }
        try file.seekToEnd()
        let progress = Progress(target: steps, startDepth: depth)
        progress.report(depth: depth, words: words, stepSeconds: nil, tokensPerSecond: nil)
        while depth < steps {
            let events = world.headStepID == nil
                ? runtime.storyteller.begin(worldID: world.id)
                : runtime.storyteller.advance(worldID: world.id, instruction: .auto)
            var committed: Step?
            for try await event in events {
                if case .committed(let step) = event { committed = step }
            }
            guard let step = committed else { throw StepError.wrongState("the step ended without a result") }
            try file.write(contentsOf: Data(StoryMarkdown.section(step, instructions: false).utf8))
            depth = step.depth
            words += TextMeasure.words(step.content.passage)
            world.headStepID = step.id
            let seconds = Double(step.telemetry.latencyMilliseconds) / 1000
            progress.report(depth: depth, words: words, stepSeconds: seconds,
                            tokensPerSecond: seconds > 0 ? Double(step.telemetry.completionTokens) / seconds : nil)
        }
        await runtime.storyteller.finishIndexing(within: .seconds(30))
        Console.err("\n")
    }
}

/// The progress line on standard error: steps, words, speed, time left.
private struct Progress {
    let target: Int
    let startDepth: Int
    let started = ContinuousClock.now

    func report(depth: Int, words: Int, stepSeconds: Double?, tokensPerSecond: Double?) {
        var line = "\rstep \(depth)/\(target) · \(words) words"
        if let tokensPerSecond { line += String(format: " · %.0f tok/s", tokensPerSecond) }
        let done = depth - startDepth
        if done > 0 {
            let elapsed = ContinuousClock.now - started
            let perStep = Double(elapsed.components.seconds) / Double(done)
                + Double(elapsed.components.attoseconds) / 1e18 / Double(done)
            let left = Int(perStep * Double(target - depth))
            line += " · \(left / 60)m\(String(format: "%02d", left % 60))s left"
        }
        Console.err(line + "   ")
    }
}
