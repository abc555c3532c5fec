import FableCommands

/// `play N`: resume one of the reader's worlds.
struct PlayWorld: SessionCommand {
    static let words = ["play"]
    static let access = CommandAccess.anyone
    static let help = CommandHelp(usage: "play N", summary: "resume a world", topic: "play N: resume world N from `worlds`.")
    let number: Int

    static func parse(_ arguments: String) -> ArgumentFit {
        if arguments.isEmpty { return .misuse("play takes the number of one of your worlds from `worlds`, e.g. `play 1`") }
        return Int(arguments).map { .command(PlayWorld(number: $0)) } ?? .instruction
    }

    func run(in session: isolated ReaderSession) async {
        let worlds = await session.ownWorlds()
        guard worlds.indices.contains(number - 1) else {
            await session.screen.say(worlds.isEmpty ? "You have no worlds yet; `new STORY` starts one."
                                                    : "Choose a world from 1 to \(worlds.count) (see `worlds`).")
            return
        }
        await session.enter(worlds[number - 1])
    }
}
