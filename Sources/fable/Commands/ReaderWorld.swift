import ArgumentParser
import FableCore

/// A reader's world as the admin commands name it: the reader's name and the world's number
/// in the reader's own list (`worlds` in the game), or the world they last played.
enum ReaderWorld {
    static func find(player: String, number: Int?, in store: any StoryStore & AccountStore) async throws
        -> (account: Account, world: World) {
        guard let account = try await store.account(name: player) else {
            throw ValidationError("there is no reader called \(player)")
        }
        let worlds = try await store.worlds(ownerID: account.id)
        guard !worlds.isEmpty else { throw ValidationError("\(account.name) has no worlds yet") }
        if let number {
            guard worlds.indices.contains(number - 1) else {
                throw ValidationError("\(account.name) has \(worlds.count) world\(worlds.count == 1 ? "" : "s"): "
                                      + "the world number is 1 to \(worlds.count)")
            }
            return (account, worlds[number - 1])
        }
        return (account, worlds.first { $0.id == account.lastWorldID } ?? worlds[worlds.count - 1])
    }
}
