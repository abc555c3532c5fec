@testable import FableServer
import FableCore
import Foundation
import Testing

@Suite struct LoginFlowTests {
    let name: LoginEffect = .prompt("Name: ")
    let choose: LoginEffect = .prompt("Choose a password: ")

    func account(_ name: String) -> Account {
        Account(id: 7, name: name, passwordHash: "scrypt$stored", createdAt: Date(timeIntervalSince1970: 0))
    }

    /// A flow past its greeting, at the name prompt.
    func started() -> LoginFlow {
        var flow = LoginFlow()
        _ = flow.start()
        return flow
    }

    @Test func theGreetingIsTheBannerThenTheNamePrompt() {
        var flow = LoginFlow()
        #expect(flow.start() == [
            .raw("\nF A B L E  —  stories that remember\n\nType your name to log in or to make a new reader.\n"
                 + "(Or in one line: `connect NAME PASSWORD` or `create NAME PASSWORD`.)\n"),
            .prompt("Name: "),
        ])
        #expect(flow.step == .name)
        #expect(!flow.isFinished)
    }

    @Test func aNewReaderIsGuidedToAnAccount() {
        var flow = started()
        #expect(flow.line("Alice") == [.lookUp("Alice")])
        #expect(flow.isAwaitingAnswer)
        #expect(flow.lookedUp("Alice", account: nil) == [
            .prompt("No reader is called Alice yet. Make a new reader with that name? (yes/no) "),
        ])
        #expect(flow.line(" YES ") == [.hideInput(true), .prompt("Choose a password (6 characters or more): ")])
        // Echo stays off between the password prompts: only the line is ended.
        #expect(flow.line("short") == [
            .endSecretLine, .say("That will not do: a password has 6 to 128 characters."), choose,
        ])
        #expect(flow.step == .newPassword("Alice"))
        #expect(flow.line("secret1") == [.endSecretLine, .prompt("The same password again: ")])
        #expect(flow.line("secret2") == [.endSecretLine, .say("The two passwords differ."), choose])
        #expect(flow.line("secret3") == [.endSecretLine, .prompt("The same password again: ")])
        #expect(flow.line("secret3") == [.hideInput(false), .endSecretLine, .create(name: "Alice", password: "secret3")])
        #expect(flow.step == .creating)
        #expect(flow.isAwaitingAnswer)
        flow.loggedIn()
        #expect(flow.isFinished)
        #expect(flow.line("look") == [])
    }

    @Test func yIsAlsoYes() {
        var flow = started()
        _ = flow.line("Alice")
        _ = flow.lookedUp("Alice", account: nil)
        #expect(flow.line("y") == [.hideInput(true), .prompt("Choose a password (6 characters or more): ")])
        #expect(flow.step == .newPassword("Alice"))
    }

    @Test func anExistingReaderGivesTheirPassword() {
        var flow = started()
        #expect(flow.line("  alice ") == [.lookUp("alice")])
        // The account's own spelling is the one checked (the throttle and the log key on it).
        #expect(flow.lookedUp("alice", account: account("Alice")) == [.hideInput(true), .prompt("Password: ")])
        #expect(flow.step == .password("Alice"))
        #expect(flow.line(" pass word ") == [
            .hideInput(false), .endSecretLine, .checkPassword(name: "Alice", password: "pass word"),
        ])
        #expect(flow.step == .checking)
        flow.loggedIn()
        #expect(flow.isFinished)
    }

    @Test func oneLineCreate() {
        var flow = started()
        #expect(flow.line("create Bob hunter22") == [.create(name: "Bob", password: "hunter22")])
        #expect(flow.step == .creating)
        flow.loggedIn()
        #expect(flow.isFinished)
    }

    @Test func oneLineCreateChecksTheNameThenThePassword() {
        var flow = started()
        #expect(flow.line("CREATE admin x") == [.say("That will not do: admin is reserved; choose another name."), name])
        #expect(flow.line("create Bob x") == [.say("That will not do: a password has 6 to 128 characters."), name])
        #expect(flow.step == .name)
    }

    @Test func oneLineConnectChecksWithoutALookUp() {
        var flow = started()
        #expect(flow.line("Connect bob hunter22") == [.checkPassword(name: "bob", password: "hunter22")])
        #expect(flow.step == .checking)
    }

    @Test func createOrConnectWithTheWrongNumberOfWords() {
        var flow = started()
        #expect(flow.line("create Bob") == [.say("Write `create NAME PASSWORD` on one line, or just your name."), name])
        #expect(flow.line("CONNECT a b c d") == [.say("Write `connect NAME PASSWORD` on one line, or just your name."), name])
        // Alone, the word is not taken for a name.
        #expect(flow.line("create") == [.say("Write `create NAME PASSWORD` on one line, or just your name."), name])
        #expect(flow.step == .name)
    }

    @Test func aBadName() {
        var flow = started()
        #expect(flow.line("9lives") == [.say("That will not do: a name starts with a letter."), name])
        #expect(flow.line("x") == [.say("That will not do: a name has 2 to 20 characters."), name])
        #expect(flow.line("who") == [.say("That will not do: who is reserved; choose another name."), name])
        #expect(flow.step == .name)
    }

    @Test func aNameIsOneWord() {
        var flow = started()
        let oneWord: [LoginEffect] = [.say("A name is one word. Type your name, or `create NAME PASSWORD`."), name]
        #expect(flow.line("Mary Ann") == oneWord)
        #expect(flow.line("quit now") == oneWord)
        #expect(flow.step == .name)
    }

    @Test func anEmptyLineAsksAgain() {
        var flow = started()
        #expect(flow.line("") == [name])
        #expect(flow.line("   ") == [name])
        #expect(flow.step == .name)
    }

    @Test func quitSaysGoodbye() {
        var flow = started()
        #expect(flow.line(" Quit ") == [.say("Goodbye."), .quit])
        #expect(flow.isFinished)
        #expect(flow.line("Alice") == [])
    }

    @Test func noToTheNewReaderQuestionAsksForANameAgain() {
        var flow = started()
        _ = flow.line("Alice")
        _ = flow.lookedUp("Alice", account: nil)
        #expect(flow.line("no") == [name])
        #expect(flow.step == .name)
        #expect(flow.line("Carol") == [.lookUp("Carol")])
    }

    @Test func aFailedCheckRestartsAtTheName() {
        var flow = started()
        _ = flow.line("connect bob wrong-one")
        #expect(flow.failed(.mismatch) == [.say("That name and password do not match."), name])
        #expect(flow.step == .name)
        _ = flow.line("bob")
        _ = flow.lookedUp("bob", account: account("Bob"))
        _ = flow.line("wrong-two")
        #expect(flow.failed(.throttled(wait: .milliseconds(29_400))) == [
            .say("Too many failed logins. Try again in 30 seconds."), name,
        ])
        #expect(flow.step == .name)
        #expect(flow.line("bob") == [.lookUp("bob")])
    }

    @Test func aFailedCreationRestartsAtTheName() {
        var flow = started()
        _ = flow.line("create Bob hunter22")
        #expect(flow.failed(.refused(.nameTaken("Bob"))) == [.say("The name Bob is taken; choose another."), name])
        #expect(flow.step == .name)
        _ = flow.line("create Bob hunter22")
        #expect(flow.failed(.creationFailed) == [.say("The reader could not be made just now; please try again."), name])
        #expect(flow.step == .name)
    }

    @Test func aGuidedCreationThatFailsRestartsAtTheName() {
        var flow = started()
        _ = flow.line("Bob")
        _ = flow.lookedUp("Bob", account: nil)
        _ = flow.line("yes")
        _ = flow.line("hunter22")
        #expect(flow.line("hunter22") == [.hideInput(false), .endSecretLine, .create(name: "Bob", password: "hunter22")])
        #expect(flow.failed(.refused(.nameTaken("bob"))) == [.say("The name bob is taken; choose another."), name])
        #expect(flow.step == .name)
    }

    @Test func linesAndAnswersOutOfTurnAreIgnored() {
        var flow = started()
        // No request is out: answers change nothing.
        #expect(flow.lookedUp("Alice", account: nil) == [])
        #expect(flow.failed(.mismatch) == [])
        flow.loggedIn()
        #expect(flow.step == .name)
        _ = flow.line("Alice")
        // A line before the answer, or an answer about another name.
        #expect(flow.line("secret") == [])
        #expect(flow.lookedUp("Bob", account: nil) == [])
        #expect(flow.failed(.mismatch) == [])
        #expect(flow.step == .lookingUp("Alice"))
        #expect(flow.lookedUp("Alice", account: nil).count == 1)
        #expect(!flow.isAwaitingAnswer)
    }

    @Test func theFlowIsOnePointer() {
        #expect(MemoryLayout<LoginFlow>.size == MemoryLayout<UnsafeRawPointer>.size)
        #expect(MemoryLayout<LoginFlow?>.size == MemoryLayout<UnsafeRawPointer>.size)
    }
}
