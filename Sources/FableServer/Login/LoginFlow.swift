import FableCore
import Foundation

/// The login's decisions, without I/O: one-line `create NAME PASSWORD` / `connect NAME PASSWORD`
/// for scripts and MUD clients, or a guided flow for people (name, then password with echo off).
///
/// Each event (a line, an answer to a request) returns the effects to perform, in order; the
/// session performs them and answers every request (`lookUp`, `checkPassword`, `create`) before
/// it hands the flow the next line. A line that comes while an answer is awaited
/// (`isAwaitingAnswer`), and an answer the flow is not waiting for, are ignored.
struct LoginFlow: Sendable {
    /// Where the reader is. Indirect, so the flow is one pointer (and steps without a payload,
    /// `finished` among them, hold no box): a session keeps its flow all its life.
    indirect enum Step: Sendable, Equatable {
        case name
        /// Waiting for `lookedUp` about this name.
        case lookingUp(String)
        /// The account's name as stored (the throttle and the log use it).
        case password(String)
        case confirmNew(String)
        case newPassword(String)
        case repeatPassword(String, first: String)
        /// Waiting for the outcome of `checkPassword`.
        case checking
        /// Waiting for the outcome of `create`.
        case creating
        /// The reader is in, or said goodbye: lines are no longer the flow's.
        case finished
    }

    private(set) var step: Step = .name

    init() {}

    static let banner = """

        F A B L E  —  stories that remember

        Type your name to log in or to make a new reader.
        (Or in one line: `connect NAME PASSWORD` or `create NAME PASSWORD`.)

        """

    static let namePrompt = "Name: "

    var isFinished: Bool { step == .finished }

    /// A request is out and its answer has not come yet.
    var isAwaitingAnswer: Bool {
        switch step {
        case .lookingUp, .checking, .creating: return true
        default: return false
        }
    }

    /// The greeting, when the connection opens.
    mutating func start() -> [LoginEffect] {
        step = .name
        return [.raw(Self.banner), .prompt(Self.namePrompt)]
    }

    /// A line the reader typed.
    mutating func line(_ line: String) -> [LoginEffect] {
        let text = line.trimmingCharacters(in: .whitespaces)
        switch step {
        case .name:
            return name(text)
        case .password(let name):
            step = .checking
            return Self.endSecret + [.checkPassword(name: name, password: text)]
        case .confirmNew(let name):
            if ["y", "yes"].contains(text.lowercased()) {
                step = .newPassword(name)
                return Self.askSecret("Choose a password (\(NameRules.passwordLengths.lowerBound) characters or more): ")
            }
            return restart()
        case .newPassword(let name):
            // Echo stays off from one password prompt to the next: turning it on and off again
            // races the reader's typing (the client may answer after the next prompt).
            if let problem = NameRules.problem(withPassword: text) {
                return [.endSecretLine, .say("That will not do: \(problem)."), .prompt("Choose a password: ")]
            }
            step = .repeatPassword(name, first: text)
            return [.endSecretLine, .prompt("The same password again: ")]
        case .repeatPassword(let name, let first):
            if text == first {
                step = .creating
                return Self.endSecret + [.create(name: name, password: text)]
            }
            step = .newPassword(name)
            return [.endSecretLine, .say("The two passwords differ."), .prompt("Choose a password: ")]
        case .lookingUp, .checking, .creating, .finished:
            return []
        }
    }

    /// The session's answer to `.lookUp(name)`: the account, or nil when there is none
    /// (or the store failed).
    mutating func lookedUp(_ name: String, account: Account?) -> [LoginEffect] {
        guard step == .lookingUp(name) else { return [] }
        if let account {
            step = .password(account.name)
            return Self.askSecret("Password: ")
        }
        step = .confirmNew(name)
        return [.prompt("No reader is called \(name) yet. Make a new reader with that name? (yes/no) ")]
    }

    /// The password check or the creation did not let the reader in: say why, ask for a name again.
    mutating func failed(_ failure: LoginFailure) -> [LoginEffect] {
        guard step == .checking || step == .creating else { return [] }
        return [.say(failure.message)] + restart()
    }

    /// The password matched or the account was made: the session enters the game.
    mutating func loggedIn() {
        guard step == .checking || step == .creating else { return }
        step = .finished
    }

    private mutating func name(_ text: String) -> [LoginEffect] {
        let words = text.split(separator: " ").map(String.init)
        switch (words.first?.lowercased(), words.count) {
        case (nil, _):
            return [.prompt(Self.namePrompt)]
        case ("quit", 1):
            step = .finished
            return [.say("Goodbye."), .quit]
        case ("create", 3):
            if let problem = NameRules.problem(with: words[1]) ?? NameRules.problem(withPassword: words[2]) {
                return Self.refuse(problem)
            }
            step = .creating
            return [.create(name: words[1], password: words[2])]
        case ("connect", 3):
            step = .checking
            return [.checkPassword(name: words[1], password: words[2])]
        case ("create", _), ("connect", _):
            return [.say("Write `\(words[0].lowercased()) NAME PASSWORD` on one line, or just your name."),
                    .prompt(Self.namePrompt)]
        case (_, 1):
            let name = words[0]
            if let problem = NameRules.problem(with: name) {
                return Self.refuse(problem)
            }
            step = .lookingUp(name)
            return [.lookUp(name)]
        default:
            return [.say("A name is one word. Type your name, or `create NAME PASSWORD`."),
                    .prompt(Self.namePrompt)]
        }
    }

    private mutating func restart() -> [LoginEffect] {
        step = .name
        return [.prompt(Self.namePrompt)]
    }

    private static func refuse(_ problem: String) -> [LoginEffect] {
        [.say("That will not do: \(problem)."), .prompt(namePrompt)]
    }

    private static func askSecret(_ prompt: String) -> [LoginEffect] {
        [.hideInput(true), .prompt(prompt)]
    }

    /// Echo back on; the reader's Enter was not echoed, so the line is ended for them.
    private static let endSecret: [LoginEffect] = [.hideInput(false), .endSecretLine]
}
