import FableCore
@testable import FableEngine
import FableStore
import FableStub
import Foundation
import Testing

@Suite struct CircuitBreakerTests {
    @Test func opensAfterFailuresInARowThenLetsOneTrialThrough() {
        let breaker = CircuitBreaker(threshold: 3, coolDown: .seconds(30))
        let start = ContinuousClock.now
        for _ in 0..<2 { breaker.failed(.unreachable(url: "x"), now: start) }
        #expect(breaker.refusal(now: start) == nil, "two failures are not an outage")
        breaker.failed(.timedOut(seconds: 5), now: start)
        #expect(breaker.refusal(now: start) == .seconds(30))
        #expect(breaker.refusal(now: start + .seconds(10)) == .seconds(20))
        #expect(breaker.refusal(now: start + .seconds(31)) == nil, "the trial call")
        #expect(breaker.refusal(now: start + .seconds(31)) != nil, "only one trial at a time")
        breaker.failed(.http(status: 503, body: ""), now: start + .seconds(32))
        #expect(breaker.refusal(now: start + .seconds(33)) != nil, "a failed trial opens it again")
        #expect(breaker.refusal(now: start + .seconds(63)) == nil)
        breaker.succeeded()
        #expect(!breaker.isOpen)
    }

    @Test func answersThatAreMerelyBadDoNotCountAsAnOutage() {
        let breaker = CircuitBreaker(threshold: 1)
        breaker.failed(.malformed("x"))
        breaker.failed(.rateLimited(retryAfter: 1))
        breaker.failed(.cancelled)
        #expect(!breaker.isOpen)
    }

    @Test func readersAreToldTheStorytellerIsAwayWithoutTheEndpointBeingCalled() async throws {
        let store = try SQLiteStore(path: temporaryDatabase())
        let model = ScriptedChatModel { _, _ in throw ModelError.unreachable(url: "http://127.0.0.1:9/v1") }
        let storyteller = Storyteller(store: store, model: model, retryPolicy: quickRetries,
                                      breaker: CircuitBreaker(threshold: 3, coolDown: .seconds(60)))
        var worlds: [World] = []
        for index in 0..<5 { worlds.append(try await store.createWorld(label: "w\(index)", premise: premise)) }
        var errors: [StepError] = []
        for world in worlds {
            do {
                _ = try await collect(storyteller.begin(worldID: world.id))
            } catch let error as StepError {
                errors.append(error)
            }
        }
        #expect(model.requests.count == 3, "after 3 failures the endpoint is left alone")
        #expect(errors.count == 5)
        if case .storytellerAway = errors[4] {} else { Issue.record("expected storytellerAway, got \(errors[4])") }
        #expect(errors[4].description.contains("the storyteller is away"))
        for world in worlds { #expect(try await store.stepCount(worldID: world.id) == 0) }
    }
}
