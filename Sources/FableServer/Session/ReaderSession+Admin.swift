import FableCore
import FableEngine
import Foundation

/// `@who`, `@stats`, `@inspect`, `@snoop`, `@boot`, `@broadcast`, `@reload`, `@shutdown`:
/// refused to readers who are not admins; every use, allowed or not, is logged.
extension ReaderSession {
    func admin(_ action: AdminAction) async {
        guard let account else { return }
        guard account.isAdmin else {
            context.logger.warning("refused admin command", metadata: ["reader": "\(account.name)", "command": "\(action)"])
            await screen.say("That is an admin command, and you are not an admin.")
            return
        }
        context.logger.notice("admin command", metadata: ["admin": "\(account.name)", "command": "\(action)"])
        switch action {
        case .who:
            await adminWho()
        case .stats:
            await screen.raw(await statisticsReport())
        case .inspect(let name):
            await adminInspect(name)
        case .snoop(let name):
            await snoop(name)
        case .boot(let name):
            let booted = await context.registry.boot(name, reason: "An admin has disconnected you.")
            await screen.say(booted ? "\(name) is disconnected." : "\(name) is not connected.")
        case .broadcast(let text):
            await context.registry.broadcast(.message("[\(account.name), to everyone] \(text)"))
        case .reload:
            let stories = context.catalog.listings().count
            let problems = context.catalog.problems()
            await screen.say("Story files checked: \(stories) can be started, \(problems.count) with problems.")
            for problem in problems { await screen.sayUntrusted(problem) }
        case .shutdown(let seconds):
            let grace = Duration.seconds(seconds ?? Int(context.configuration.shutdownGrace.components.seconds))
            if await !context.registry.requestShutdown(grace: grace) {
                await screen.say("This server cannot be shut down from here.")
            }
        case .unknown(let text):
            await screen.say("`@\(text)` is not an admin command. `help admin` lists them.")
        }
    }

    private func adminWho() async {
        let readers = await context.registry.readers()
        var text = "\(readers.count) reader\(readers.count == 1 ? "" : "s") connected:\n"
        for reader in readers {
            let idle = Int(-reader.lastInput.timeIntervalSinceNow)
            let online = Int(-reader.connectedAt.timeIntervalSinceNow)
            text += "  \(TerminalText.sanitize(reader.name ?? "?")) from \(reader.address), on \(Self.duration(online)), "
                + "idle \(Self.duration(idle)): \(TerminalText.sanitize(reader.activity))\n"
        }
        await screen.raw(text)
    }

    private func adminInspect(_ name: String) async {
        do {
            guard let reader = try await context.store.account(name: name) else {
                return await screen.say("There is no reader called \(name).")
            }
            let worlds = try await context.store.worlds(ownerID: reader.id)
            guard let world = worlds.first(where: { $0.id == reader.lastWorldID }) ?? worlds.last else {
                return await screen.say("\(reader.name) has no worlds yet.")
            }
            let report = try await context.storyteller.inspect(world: world, reader: reader)
            pager = report.text(width: await screen.width).components(separatedBy: "\n")
            await showPage()
        } catch {
            await screen.say("Could not inspect \(name): \(error).")
        }
    }

    private func snoop(_ name: String?) async {
        await stopSnooping()
        guard let name else { return }
        guard name.lowercased() != account?.name.lowercased(),
              let target = await context.registry.screen(of: name) else {
            return await screen.say("\(name) is not connected (and you cannot watch yourself).")
        }
        await target.watch(id: registryID) { [self] text in post(.notice(.watched(name: name, text: text))) }
        snooping = target
        await screen.say("Watching \(name)'s screen; they are not told. `@snoop` alone stops.")
    }

    func stopSnooping() async {
        guard let target = snooping else { return }
        snooping = nil
        await target.unwatch(id: registryID)
        await screen.say("(Stopped watching.)")
    }
}
