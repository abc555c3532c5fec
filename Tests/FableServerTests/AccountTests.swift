@testable import FableServer
import FableCore
import FableStore
import FableTestSupport
import Foundation
import Testing

@Suite struct PasswordHasherTests {
    let hasher = PasswordHasher(rounds: 64)

    @Test func aHashVerifiesItsPasswordAndNoOther() throws {
        let stored = try hasher.hash("correct horse")
        #expect(stored.hasPrefix("scrypt$64$8$1$"))
        #expect(!stored.contains("correct horse"))
        #expect(hasher.verify("correct horse", against: stored))
        #expect(!hasher.verify("correct hors", against: stored))
        #expect(!hasher.verify("", against: stored))
    }

    @Test func theSamePasswordGetsADifferentSaltEachTime() throws {
        #expect(try hasher.hash("same") != (try hasher.hash("same")))
    }

    @Test func malformedStoredHashesNeverVerify() {
        for stored in ["", "scrypt$", "plain", "scrypt$64$8$1$!!!$???", "md5$1$2$3$4$5"] {
            #expect(!hasher.verify("x", against: stored))
        }
        #expect(!hasher.verify("x", against: hasher.decoy))
    }

    @Test func constantTimeComparison() {
        #expect(PasswordHasher.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!PasswordHasher.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!PasswordHasher.constantTimeEqual([1, 2], [1, 2, 3]))
    }
}

@Suite struct NameRulesTests {
    @Test func goodAndBadNames() {
        #expect(NameRules.problem(with: "alice") == nil)
        #expect(NameRules.problem(with: "Élodie_2") == nil)
        #expect(NameRules.problem(with: "小明") == nil)
        #expect(NameRules.problem(with: "a") != nil)
        #expect(NameRules.problem(with: "2fast") != nil)
        #expect(NameRules.problem(with: "bob smith") != nil)
        #expect(NameRules.problem(with: "evil\u{1B}[2J") != nil)
        #expect(NameRules.problem(with: "Admin") != nil)
        #expect(NameRules.problem(with: String(repeating: "a", count: 21)) != nil)
        #expect(NameRules.problem(withPassword: "12345") != nil)
        #expect(NameRules.problem(withPassword: "123456") == nil)
    }
}

@Suite struct LoginThrottleTests {
    @Test func failuresPastTheFreeOnesBlockTheNameAndTheAddressWithGrowingWaits() {
        let throttle = LoginThrottle()
        let start = ContinuousClock.now
        for _ in 0..<3 { throttle.failed(address: "10.0.0.1", name: "gwen", now: start) }
        #expect(throttle.wait(address: "10.0.0.1", name: "gwen", now: start) == nil)
        throttle.failed(address: "10.0.0.1", name: "gwen", now: start)
        let first = throttle.wait(address: "10.0.0.9", name: "GWEN", now: start)
        #expect(first == .seconds(2), "the name is blocked from any address")
        #expect(throttle.wait(address: "10.0.0.1", name: "other", now: start) == .seconds(2),
                "and the address for any name")
        throttle.failed(address: "10.0.0.1", name: "gwen", now: start)
        #expect(throttle.wait(address: "10.0.0.9", name: "gwen", now: start) == .seconds(4))
        #expect(throttle.wait(address: "10.0.0.9", name: "gwen", now: start + .seconds(5)) == nil)
        throttle.succeeded(name: "gwen")
        #expect(throttle.wait(address: "10.0.0.9", name: "gwen", now: start) == nil)
    }
}

@Suite struct RateLimiterTests {
    @Test func aBurstThenTheSteadyRate() {
        let start = ContinuousClock.now
        var limiter = RateLimiter(perSecond: 2, burst: 3, now: start)
        var allowed = 0
        for _ in 0..<3 where limiter.allow(now: start) { allowed += 1 }
        #expect(allowed == 3)
        let fourth = limiter.allow(now: start)
        let afterHalfASecond = limiter.allow(now: start + .milliseconds(500))
        let soonAfter = limiter.allow(now: start + .milliseconds(600))
        #expect(!fourth)
        #expect(afterHalfASecond)
        #expect(!soonAfter)
    }

    @Test func connectionsPerAddress() {
        let limiter = ConnectionLimiter(perAddress: 2)
        #expect(limiter.open("a") && limiter.open("a"))
        #expect(!limiter.open("a"))
        #expect(limiter.open("b"))
        limiter.close("a")
        #expect(limiter.open("a"))
        #expect(limiter.total == 3)
    }
}

@Suite struct AccountStoreTests {
    func store() throws -> SQLiteStore {
        try SQLiteStore(path: ScratchFolder.file("fable.sqlite", prefix: "fable-accounts"))
    }

    @Test func namesAreUniqueWhateverTheirCase() async throws {
        let store = try store()
        let alice = try await store.createAccount(name: "Alice", passwordHash: "h")
        await #expect(throws: AccountError.nameTaken("ALICE")) {
            _ = try await store.createAccount(name: "ALICE", passwordHash: "h2")
        }
        #expect(try await store.account(name: "alice")?.id == alice.id)
        #expect(try await store.account(name: "alice")?.name == "Alice")
    }

    @Test func settingsLastWorldAndAdminAreKept() async throws {
        let store = try store()
        let account = try await store.createAccount(name: "bo", passwordHash: "h")
        let settings = ReaderSettings(width: 60, pageLines: 10, screenReader: true,
                                      preferences: ReaderPreferences(passageLength: .long, tone: "wry", avoid: "spiders"))
        try await store.saveSettings(accountID: account.id, settings)
        let world = try await store.createWorld(label: "x", premise: Premise(storyID: "s", title: "S", body: "b"),
                                                ownerID: account.id)
        try await store.setLastWorld(accountID: account.id, worldID: world.id)
        _ = try await store.setAdmin(name: "BO", true)
        let again = try #require(try await store.account(id: account.id))
        #expect(again.settings == settings)
        #expect(again.lastWorldID == world.id)
        #expect(again.isAdmin)
        #expect(try await store.world(id: world.id)?.ownerID == account.id)
    }

    @Test func aReaderListsOnlyTheirOwnWorlds() async throws {
        let store = try store()
        let a = try await store.createAccount(name: "ann", passwordHash: "h")
        let b = try await store.createAccount(name: "ben", passwordHash: "h")
        let premise = Premise(storyID: "s", title: "S", body: "b")
        let first = try await store.createWorld(label: "1", premise: premise, ownerID: a.id)
        _ = try await store.createWorld(label: "2", premise: premise, ownerID: b.id)
        let third = try await store.createWorld(label: "3", premise: premise, ownerID: a.id)
        #expect(try await store.worlds(ownerID: a.id).map(\.id) == [first.id, third.id])
    }
}
