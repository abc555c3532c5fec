import ArgumentParser
import FableStub

struct StubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stub",
        abstract: "Serve a scripted OpenAI-compatible model that writes valid, deterministic steps.",
        discussion: "For trying Fable and measuring it without a real model: FABLE_LLM_URL=http://127.0.0.1:PORT/v1.")

    @Option(help: "Port to listen on (127.0.0.1).")
    var port = 8412

    @Option(name: .customLong("chunk-delay-ms"), help: "Pause between streamed chunks.")
    var chunkDelay = 0

    @Option(name: .customLong("first-chunk-delay-ms"), help: "Pause before the first chunk.")
    var firstChunkDelay = 0

    func run() async throws {
        let storyteller = StubStoryteller()
        let server = try await StubLLMServer.start(port: port, script: storyteller.script(
            chunkDelay: .milliseconds(chunkDelay), firstChunkDelay: .milliseconds(firstChunkDelay)))
        Console.err("fable stub: serving \(server.url)\n")
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(3600))
        }
    }
}
