import FableCore
import NIOPosix

/// The login: `LoginFlow` decides, the session performs its effects (the screen, the store,
/// password hashing off the event loop, the throttle) and answers its requests.
extension ReaderSession {
    func greet() async {
        await perform(login.start())
    }

    /// Performs effects in order; an answered request's follow-up effects run next.
    func perform(_ effects: [LoginEffect]) async {
        var queue = effects[...]
        while let effect = queue.popFirst() { queue += await perform(effect) }
    }

    private func perform(_ effect: LoginEffect) async -> [LoginEffect] {
        switch effect {
        case .raw(let text): await screen.raw(text)
        case .say(let text): await screen.say(text)
        case .prompt(let text): await screen.prompt(text)
        case .hideInput(let hidden): await screen.hideInput(hidden)
        // A telnet client hid the typed password and its Enter; a raw client (`nc`) showed both.
        case .endSecretLine: if isTelnetClient { await screen.raw("\n") }
        case .quit: closing = true
        case .lookUp(let name):
            return login.lookedUp(name, account: try? await context.store.account(name: name))
        case .checkPassword(let name, let password):
            return await checkPassword(password, for: name)
        case .create(let name, let password):
            return await create(name: name, password: password)
        }
        return []
    }

    private func checkPassword(_ password: String, for name: String) async -> [LoginEffect] {
        if let wait = context.throttle.wait(address: address, name: name) { return login.failed(.throttled(wait: wait)) }
        let account = try? await context.store.account(name: name)
        let hasher = context.hasher
        // An unknown name costs the same time as a wrong password, so names cannot be probed.
        let stored = account?.passwordHash ?? hasher.decoy
        let matches = (try? await NIOThreadPool.singleton.runIfActive { hasher.verify(password, against: stored) }) ?? false
        guard let account, matches else {
            context.throttle.failed(address: address, name: name)
            context.logger.notice("failed login", metadata: ["name": "\(name)", "address": "\(address)"])
            return login.failed(.mismatch)
        }
        context.throttle.succeeded(name: name)
        login.loggedIn()
        await enterGame(account, isNew: false)
        return []
    }

    private func create(name: String, password: String) async -> [LoginEffect] {
        let hasher = context.hasher
        do {
            let hash = try await NIOThreadPool.singleton.runIfActive { try hasher.hash(password) }
            let account = try await context.store.createAccount(name: name, passwordHash: hash)
            context.logger.info("new reader", metadata: ["reader": "\(name)", "address": "\(address)"])
            login.loggedIn()
            await enterGame(account, isNew: true)
            return []
        } catch let error as AccountError {
            return login.failed(.refused(error))
        } catch {
            context.logger.error("account creation failed", metadata: ["error": "\(error)"])
            return login.failed(.creationFailed)
        }
    }

    private func enterGame(_ account: Account, isNew: Bool) async {
        loginClosed()
        // The session never needs the password hash again; an idle reader should not carry it.
        var account = account
        account.passwordHash = ""
        self.account = account
        await context.registry.login(registryID, name: account.name)
        // A session of theirs on another front end closes, as one on this server just did.
        await context.frontEnds.publish(.loggedIn(name: account.name))
        context.logger.info("reader logged in", metadata: ["reader": "\(account.name)", "address": "\(address)"])
        await applyWidth()
        await screen.say(isNew ? "Welcome, \(account.name). Type `help` at any time."
                               : "Welcome back, \(account.name).")
        if let last = account.lastWorldID, let world = try? await worlds.world(id: last),
           world.ownerID == account.id {
            await enter(world)
        } else {
            await context.registry.update(registryID, activity: "choosing a story")
            await ListWorlds().run(in: self)
            await ListStories().run(in: self)
        }
    }

    func applyWidth() async {
        await screen.setWidth(account?.settings.width ?? clientWidth ?? ReaderSettings.defaultWidth)
        await screen.setPlain(account?.settings.screenReader ?? false)
    }
}

