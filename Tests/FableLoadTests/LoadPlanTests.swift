import Testing

@testable import FableLoad

@Suite struct LoadPlanTests {
    @Test func aRampAsLongAsTheRunIsRefused() {
        var plan = LoadPlan()
        plan.active = 1
        plan.ramp = 30
        plan.duration = 30
        #expect(throws: LoadPlanError.self) { try plan.validate() }
        plan.ramp = 29
        #expect(throws: Never.self) { try plan.validate() }
    }

    @Test func moreActiveReadersThanConnectionsAreRefused() {
        var plan = LoadPlan()
        plan.connections = 2
        plan.active = 3
        #expect(throws: LoadPlanError.self) { try plan.validate() }
    }

    @Test func aNamePrefixIsALetterThenLettersOrDigits() {
        var plan = LoadPlan()
        for bad in ["", "1abc", "abc-d", "abcdefghijklm"] {
            plan.namePrefix = bad
            #expect(throws: LoadPlanError.self, "\(bad)") { try plan.validate() }
        }
        plan.namePrefix = LoadPlan.runPrefix()
        #expect(throws: Never.self) { try plan.validate() }
    }

    @Test func clientAddressesSkipTheNetworkAndBroadcastOctets() {
        #expect(LoadPlan.loopback(0) == "127.0.0.2")
        #expect(LoadPlan.loopback(252) == "127.0.0.254")
        #expect(LoadPlan.loopback(253) == "127.0.1.1")
        let addresses = (0..<2_000).map(LoadPlan.loopback)
        #expect(Set(addresses).count == addresses.count)
        #expect(!addresses.contains { $0.hasSuffix(".0") || $0.hasSuffix(".255") })
        var plan = LoadPlan()
        #expect(plan.clientAddress(of: 5) == nil)
        plan.perAddress = 4
        #expect(plan.clientAddress(of: 3) == "127.0.0.2")
        #expect(plan.clientAddress(of: 4) == "127.0.0.3")
    }
}
