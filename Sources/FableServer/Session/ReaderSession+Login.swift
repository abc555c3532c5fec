import FableCore
import FableTelnet
import NIOPosix

/// Where a reader is in logging in. Indirect, so the session's field is one pointer: a session
/// keeps it all its life, and `.password(Account)` held inline made every session bigger.
indirect enum LoginStep {
    case name
    case password(Account)
    case confirmNew(String)
    case newPassword(String)
    case repeatPassword(String, first: String)
}

/// The first prompt: one-line `create NAME PASSWORD` / `connect NAME PASSWORD` for scripts and
/// MUD clients, or a guided flow for people (name, then password with echo off).
extension ReaderSession {
    static let banner = """

        F A B L E  —  stories that remember

        Type your name to log in or to make a new reader.
        (Or in one line: `connect NAME PASSWORD` or `create NAME PASSWORD`.)

        """

    func greet() async {
        await screen.raw(Self.banner)
        await screen.prompt("Name: ")
    }

    func login(_ step: LoginStep, line: String) async {
        let text = line.trimmingCharacters(in: .whitespaces)
        switch step {
        case .name:
            await loginName(text)
        case .password(let account):
            await endSecret()
            await checkPassword(text, for: account.name)
        case .confirmNew(let name):
            if ["y", "yes"].contains(text.lowercased()) {
                loginStep = .newPassword(name)
                await askSecret("Choose a password (\(NameRules.passwordLengths.lowerBound) characters or more): ")
            } else {
                loginStep = .name
                await screen.prompt("Name: ")
            }
        case .newPassword(let name):
            // Echo stays off from one password prompt to the next: turning it on and off again
            // races the reader's typing (the client may answer after the next prompt).
            await secretLineEnd()
            if let problem = NameRules.problem(withPassword: text) {
                await screen.say("That will not do: \(problem).")
                await screen.prompt("Choose a password: ")
            } else {
                loginStep = .repeatPassword(name, first: text)
                await screen.prompt("The same password again: ")
            }
        case .repeatPassword(let name, let first):
            if text == first {
                await endSecret()
                await create(name: name, password: text)
            } else {
                await secretLineEnd()
                await screen.say("The two passwords differ.")
                loginStep = .newPassword(name)
                await screen.prompt("Choose a password: ")
            }
        }
    }

    private func loginName(_ text: String) async {
        let words = text.split(separator: " ").map(String.init)
        switch (words.first?.lowercased(), words.count) {
        case (nil, _):
            await screen.prompt("Name: ")
        case ("quit", 1):
            await screen.say("Goodbye.")
            closing = true
        case ("create", 3):
            if let problem = NameRules.problem(with: words[1]) ?? NameRules.problem(withPassword: words[2]) {
                await screen.say("That will not do: \(problem).")
                await screen.prompt("Name: ")
            } else {
                await create(name: words[1], password: words[2])
            }
        case ("connect", 3):
            await checkPassword(words[2], for: words[1])
        case ("create", _), ("connect", _):
            await screen.say("Write `\(words[0].lowercased()) NAME PASSWORD` on one line, or just your name.")
            await screen.prompt("Name: ")
        case (_, 1):
            let name = words[0]
            if let problem = NameRules.problem(with: name) {
                await screen.say("That will not do: \(problem).")
                await screen.prompt("Name: ")
            } else if let account = await lookUp(name) {
                loginStep = .password(account)
                await askSecret("Password: ")
            } else {
                loginStep = .confirmNew(name)
                await screen.prompt("No reader is called \(name) yet. Make a new reader with that name? (yes/no) ")
            }
        default:
            await screen.say("A name is one word. Type your name, or `create NAME PASSWORD`.")
            await screen.prompt("Name: ")
        }
    }

    private func lookUp(_ name: String) async -> Account? {
        try? await context.store.account(name: name)
    }

    private func checkPassword(_ password: String, for name: String) async {
        if let wait = context.throttle.wait(address: address, name: name) {
            await screen.say("Too many failed logins. Try again in \(wait.components.seconds + 1) seconds.")
            await restartLogin()
            return
        }
        let account = await lookUp(name)
        let hasher = context.hasher
        // An unknown name costs the same time as a wrong password, so names cannot be probed.
        let stored = account?.passwordHash ?? hasher.decoy
        let matches = (try? await NIOThreadPool.singleton.runIfActive { hasher.verify(password, against: stored) }) ?? false
        guard let account, matches else {
            context.throttle.failed(address: address, name: name)
            context.logger.notice("failed login", metadata: ["name": "\(name)", "address": "\(address)"])
            await screen.say("That name and password do not match.")
            await restartLogin()
            return
        }
        context.throttle.succeeded(name: name)
        await enterGame(account, isNew: false)
    }

    private func create(name: String, password: String) async {
        let hasher = context.hasher
        do {
            let hash = try await NIOThreadPool.singleton.runIfActive { try hasher.hash(password) }
            let account = try await context.store.createAccount(name: name, passwordHash: hash)
            context.logger.info("new reader", metadata: ["reader": "\(name)", "address": "\(address)"])
            await enterGame(account, isNew: true)
        } catch let error as AccountError {
            await screen.say("\(error.description.prefix(1).uppercased())\(error.description.dropFirst()); choose another.")
            await restartLogin()
        } catch {
            context.logger.error("account creation failed", metadata: ["error": "\(error)"])
            await screen.say("The reader could not be made just now; please try again.")
            await restartLogin()
        }
    }

    private func restartLogin() async {
        loginStep = .name
        await screen.prompt("Name: ")
    }

    private func askSecret(_ prompt: String) async {
        await screen.hideInput(true)
        await screen.prompt(prompt)
    }

    /// Echo back on; the reader's Enter was not echoed, so end the line ourselves.
    private func endSecret() async {
        await screen.hideInput(false)
        await secretLineEnd()
    }

    /// A telnet client hid the typed password and its Enter; a raw client (`nc`) showed both.
    private func secretLineEnd() async {
        if isTelnetClient { await screen.raw("\n") }
    }

    private func enterGame(_ account: Account, isNew: Bool) async {
        loginStep = nil
        loginClosed()
        // The session never needs the password hash again; an idle reader should not carry it.
        var account = account
        account.passwordHash = ""
        self.account = account
        await context.registry.login(registryID, name: account.name)
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
    }
}

