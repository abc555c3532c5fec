import FableCore

extension GameContext {
    /// Does here what another front end asked: the same as the command would do on this server.
    func receive(_ event: FrontEndEvent) async {
        switch event {
        case .loggedIn(let name):
            if await registry.loggedInElsewhere(name) {
                logger.info("reader logged in on another front end", metadata: ["reader": "\(name)"])
            }
        case .boot(let name, let reason):
            _ = await registry.boot(name, reason: reason)
        case .broadcast(let text):
            await registry.broadcast(.message(text))
        }
    }

    /// Every logged-in reader, on this front end and the others, by name.
    func everyReader() async -> [PresentReader] {
        let here = await registry.present(frontEnd: frontEnds.frontEndID)
        let elsewhere = await frontEnds.remoteReaders()
        return (here + elsewhere).sorted {
            ($0.name.lowercased(), $0.frontEnd) < ($1.name.lowercased(), $1.frontEnd)
        }
    }

    /// Whether a reader is logged in on another front end (as far as its last announcement says).
    func isElsewhere(_ name: String) async -> Bool {
        await frontEnds.remoteReaders().contains { $0.name.lowercased() == name.lowercased() }
    }
}
