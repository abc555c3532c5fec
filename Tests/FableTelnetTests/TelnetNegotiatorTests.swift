import NIOCore
import NIOEmbedded
import Testing

@testable import FableTelnet

@Suite struct TelnetNegotiatorTests {
    typealias IO = TelnetTestIO
    private let iac = IO.iac

    @Test func offersNAWSTTYPEAndCharsetButNotEchoOrSGA() throws {
        let channel = try IO.connectedPipeline(.init(gmcp: false, compression: false))
        #expect(try IO.outboundBytes(channel) == [iac, IO.do, IO.naws, iac, IO.do, IO.ttype, iac, IO.will, IO.charset])
        _ = try channel.finish()
    }

    @Test func offersWhenAddedToAnActiveChannel() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4000)).wait()
        try channel.pipeline.syncOperations.addTelnetHandlers()
        #expect(try IO.outboundBytes(channel) == IO.offers)
        _ = try channel.finish()
    }

    @Test func silentPeerIsSettledAfterTheTimeoutAndNeverSentIAC() throws {
        let channel = try IO.connectedPipeline()
        _ = try IO.outboundBytes(channel)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1999))
        #expect(try IO.inbound(channel, as: TelnetEvent.self).isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(1))
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.negotiated(isTelnetClient: false)])

        try channel.writeOutbound(TelnetOutput.hideInput(true))
        try channel.writeOutbound(TelnetOutput.keepAlive)
        try channel.writeOutbound(TelnetOutput.hideInput(false))
        #expect(try IO.outboundBytes(channel).isEmpty)
        // A late IAC from the peer gets no answer either.
        try IO.writeBytes(channel, [iac, IO.do, IO.sga, iac, IO.will, 99])
        #expect(try IO.outboundBytes(channel).isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(try IO.inbound(channel, as: TelnetEvent.self).isEmpty)
        _ = try channel.finish()
    }

    @Test func configurableTimeout() throws {
        let channel = try IO.connectedPipeline(.init(handshakeTimeout: .milliseconds(300)))
        channel.embeddedEventLoop.advanceTime(by: .milliseconds(300))
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.negotiated(isTelnetClient: false)])
        _ = try channel.finish()
    }

    @Test func answeringClientIsATelnetClientAtOnceAndOnlyOnce() throws {
        let channel = try IO.connectedPipeline()
        _ = try IO.outboundBytes(channel)
        try IO.writeBytes(channel, [iac, IO.wont, IO.naws])  // a refusal is an answer too
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.negotiated(isTelnetClient: true)])
        // An answer to our own request gets no reply: no loop.
        #expect(try IO.outboundBytes(channel).isEmpty)
        try IO.writeBytes(channel, [iac, IO.will, IO.ttype])
        channel.embeddedEventLoop.advanceTime(by: .seconds(5))
        #expect(!(try IO.inbound(channel, as: TelnetEvent.self).contains(.negotiated(isTelnetClient: true))))
        _ = try channel.finish()
    }

    @Test func peerThatOnlySentABareCommandIsATelnetClientAtTimeout() throws {
        let channel = try IO.connectedPipeline()
        _ = try IO.outboundBytes(channel)
        try IO.writeBytes(channel, [iac, IO.nop])
        #expect(try IO.inbound(channel, as: TelnetEvent.self).isEmpty)
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.negotiated(isTelnetClient: true)])
        try channel.writeOutbound(TelnetOutput.keepAlive)
        #expect(try IO.outboundBytes(channel) == [iac, IO.nop])
        _ = try channel.finish()
    }

    @Test func hideInputSendsWillEchoAndWontEcho() throws {
        let channel = try IO.telnetClient()
        try channel.writeOutbound(TelnetOutput.hideInput(true))
        #expect(try IO.outboundBytes(channel) == [iac, IO.will, IO.echo])
        try IO.writeBytes(channel, [iac, IO.do, IO.echo])
        #expect(try IO.outboundBytes(channel).isEmpty)  // the answer is not answered
        try channel.writeOutbound(TelnetOutput.hideInput(true))
        #expect(try IO.outboundBytes(channel).isEmpty)  // already on
        try channel.writeOutbound(TelnetOutput.hideInput(false))
        #expect(try IO.outboundBytes(channel) == [iac, IO.wont, IO.echo])
        try IO.writeBytes(channel, [iac, IO.dont, IO.echo])
        #expect(try IO.outboundBytes(channel).isEmpty)
        _ = try channel.finish()
    }

    @Test func quickHideAndShowIsQueuedNotLost() throws {
        let channel = try IO.telnetClient()
        try channel.writeOutbound(TelnetOutput.hideInput(true))
        try channel.writeOutbound(TelnetOutput.hideInput(false))
        #expect(try IO.outboundBytes(channel) == [iac, IO.will, IO.echo])
        try IO.writeBytes(channel, [iac, IO.do, IO.echo])  // answer to WILL; we now want it off
        #expect(try IO.outboundBytes(channel) == [iac, IO.wont, IO.echo])
        try IO.writeBytes(channel, [iac, IO.dont, IO.echo])
        #expect(try IO.outboundBytes(channel).isEmpty)
        _ = try channel.finish()
    }

    @Test func hideInputBeforeSettlingIsAppliedForATelnetClient() throws {
        let channel = try IO.connectedPipeline()
        _ = try IO.outboundBytes(channel)
        try channel.writeOutbound(TelnetOutput.hideInput(true))
        #expect(try IO.outboundBytes(channel).isEmpty)
        try IO.writeBytes(channel, [iac, IO.will, IO.naws])
        #expect(try IO.outboundBytes(channel) == [iac, IO.will, IO.echo])
        _ = try channel.finish()
    }

    @Test func hideThenShowBeforeSettlingSendsNothing() throws {
        let channel = try IO.connectedPipeline()
        _ = try IO.outboundBytes(channel)
        try channel.writeOutbound(TelnetOutput.hideInput(true))
        try channel.writeOutbound(TelnetOutput.hideInput(false))
        try IO.writeBytes(channel, [iac, IO.will, IO.naws])
        #expect(try IO.outboundBytes(channel).isEmpty)
        _ = try channel.finish()
    }

    @Test func keepAliveIsNOPForATelnetClient() throws {
        let channel = try IO.telnetClient()
        try channel.writeOutbound(TelnetOutput.keepAlive)
        #expect(try IO.outboundBytes(channel) == [iac, IO.nop])
        _ = try channel.finish()
    }

    @Test func textPassesToTheEncoder() throws {
        let channel = try IO.telnetClient()
        try channel.writeOutbound(TelnetOutput.text("hi\nthere"))
        #expect(try IO.outboundBytes(channel) == Array("hi\r\nthere".utf8))
        _ = try channel.finish()
    }

    @Test func dataBeforeTheAnswerComesAfterNegotiated() throws {
        let channel = try IO.connectedPipeline()
        try IO.writeText(channel, "look\r\n")
        #expect(try IO.inbound(channel, as: TelnetEvent.self).isEmpty)
        try IO.writeBytes(channel, [iac, IO.will, IO.naws])
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.negotiated(isTelnetClient: true), .line("look")])
        _ = try channel.finish()
    }

    @Test func heldDataIsCapped() throws {
        let channel = try IO.connectedPipeline(.init(lineLimit: 100_000))
        try IO.writeText(channel, String(repeating: "x", count: TelnetNegotiator.pendingDataLimit) + "\n")
        try IO.writeText(channel, "second\n")
        channel.embeddedEventLoop.advanceTime(by: .seconds(2))
        // The first line fits exactly; its line end and the second line were dropped.
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.negotiated(isTelnetClient: false)])
        try IO.writeText(channel, "\n")
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.line(String(repeating: "x", count: TelnetNegotiator.pendingDataLimit))])
        _ = try channel.finish()
    }

    @Test func nawsGivesTheWindowSize() throws {
        let channel = try IO.telnetClient()
        // Width 255 arrives as a doubled IAC.
        try IO.writeBytes(channel, [iac, IO.sb, IO.naws, 0, iac, iac, 0, 24, iac, IO.se])
        try IO.writeBytes(channel, [iac, IO.sb, IO.naws, 1, 0, 0, 50, iac, IO.se])
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [
            .windowSize(width: 255, height: 24), .windowSize(width: 256, height: 50),
        ])
        _ = try channel.finish()
    }

    @Test func unknownOrMalformedWindowSizeIsIgnored() throws {
        let channel = try IO.telnetClient()
        try IO.writeBytes(channel, [iac, IO.sb, IO.naws, 0, 0, 0, 0, iac, IO.se])  // 0: unknown
        try IO.writeBytes(channel, [iac, IO.sb, IO.naws, 0, 80, 0, iac, IO.se])   // too short
        #expect(try IO.inbound(channel, as: TelnetEvent.self).isEmpty)
        _ = try channel.finish()
    }

    @Test func terminalTypeFlow() throws {
        let channel = try IO.telnetClient()
        try IO.writeBytes(channel, [iac, IO.will, IO.ttype])
        #expect(try IO.outboundBytes(channel) == [iac, IO.sb, IO.ttype, 1, iac, IO.se])
        try IO.writeBytes(channel, [iac, IO.will, IO.ttype])  // repeated: no second SEND
        #expect(try IO.outboundBytes(channel).isEmpty)
        try IO.writeBytes(channel, [iac, IO.sb, IO.ttype, 0] + Array("XTERM-256COLOR".utf8) + [iac, IO.se])
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.terminalType("XTERM-256COLOR")])
        _ = try channel.finish()
    }

    @Test func terminalTypeIsSanitizedAndCapped() throws {
        let channel = try IO.telnetClient()
        let name = Array("\u{1B}[2J".utf8) + [UInt8](repeating: 0x41, count: 60)
        try IO.writeBytes(channel, [iac, IO.sb, IO.ttype, 0] + name + [iac, IO.se])
        #expect(try IO.inbound(channel, as: TelnetEvent.self) == [.terminalType("[2J" + String(repeating: "A", count: 37))])
        _ = try channel.finish()
    }

    @Test func charsetRequestsUTF8AfterDoCharset() throws {
        let channel = try IO.telnetClient()
        try IO.writeBytes(channel, [iac, IO.do, IO.charset])
        #expect(try IO.outboundBytes(channel) == [iac, IO.sb, IO.charset, 1] + Array(";UTF-8".utf8) + [iac, IO.se])
        try IO.writeBytes(channel, [iac, IO.sb, IO.charset, 2] + Array("UTF-8".utf8) + [iac, IO.se])
        #expect(try IO.outboundBytes(channel).isEmpty)
        #expect(try IO.inbound(channel, as: TelnetEvent.self).isEmpty)
        _ = try channel.finish()
    }

    @Test func refusedCharsetIsNotAnswered() throws {
        let channel = try IO.telnetClient()
        try IO.writeBytes(channel, [iac, IO.dont, IO.charset])
        #expect(try IO.outboundBytes(channel).isEmpty)
        _ = try channel.finish()
    }

    @Test func clientCharsetRequestIsAcceptedOnlyForUTF8() throws {
        let channel = try IO.telnetClient()
        try IO.writeBytes(channel, [iac, IO.will, IO.charset])
        #expect(try IO.outboundBytes(channel) == [iac, IO.do, IO.charset])
        try IO.writeBytes(channel, [iac, IO.sb, IO.charset, 1] + Array(" ISO-8859-1 utf-8".utf8) + [iac, IO.se])
        #expect(try IO.outboundBytes(channel) == [iac, IO.sb, IO.charset, 2] + Array("UTF-8".utf8) + [iac, IO.se])
        try IO.writeBytes(channel, [iac, IO.sb, IO.charset, 1] + Array("[TTABLE]".utf8) + [1] + Array(";UTF-8".utf8) + [iac, IO.se])
        #expect(try IO.outboundBytes(channel) == [iac, IO.sb, IO.charset, 2] + Array("UTF-8".utf8) + [iac, IO.se])
        try IO.writeBytes(channel, [iac, IO.sb, IO.charset, 1] + Array(";KOI8-R".utf8) + [iac, IO.se])
        #expect(try IO.outboundBytes(channel) == [iac, IO.sb, IO.charset, 3, iac, IO.se])
        _ = try channel.finish()
    }

    @Test func sgaIsAcceptedOnceWhenAsked() throws {
        let channel = try IO.telnetClient()
        try IO.writeBytes(channel, [iac, IO.do, IO.sga])
        #expect(try IO.outboundBytes(channel) == [iac, IO.will, IO.sga])
        try IO.writeBytes(channel, [iac, IO.do, IO.sga])
        #expect(try IO.outboundBytes(channel).isEmpty)
        try IO.writeBytes(channel, [iac, IO.will, IO.sga])
        #expect(try IO.outboundBytes(channel) == [iac, IO.do, IO.sga])
        _ = try channel.finish()
    }

    @Test func unknownOptionsAndUnaskedEchoAreRefused() throws {
        let channel = try IO.telnetClient()
        try IO.writeBytes(channel, [iac, IO.will, 99, iac, IO.do, 99, iac, IO.do, IO.echo, iac, IO.will, IO.echo])
        #expect(try IO.outboundBytes(channel) == [iac, IO.dont, 99, iac, IO.wont, 99, iac, IO.wont, IO.echo, iac, IO.dont, IO.echo])
        // Refusals of what is already off are not answered.
        try IO.writeBytes(channel, [iac, IO.wont, 99, iac, IO.dont, 99])
        #expect(try IO.outboundBytes(channel).isEmpty)
        _ = try channel.finish()
    }

    @Test func enabledOptionTurnedOffByThePeerIsAcknowledged() throws {
        let channel = try IO.telnetClient()  // NAWS is on
        try IO.writeBytes(channel, [iac, IO.wont, IO.naws])
        #expect(try IO.outboundBytes(channel) == [iac, IO.dont, IO.naws])
        try IO.writeBytes(channel, [iac, IO.wont, IO.naws])
        #expect(try IO.outboundBytes(channel).isEmpty)
        _ = try channel.finish()
    }
}

@Suite struct TelnetOptionStateTests {
    @Test func enableRequestIsSentOnce() {
        var option = TelnetOptionState()
        let first = option.requestEnable()
        let second = option.requestEnable()
        #expect(first && !second)
        #expect(option.receivedEnable(accept: false) == nil)
        #expect(option.isEnabled)
    }

    @Test func refusalOfOurRequestEndsOff() {
        var option = TelnetOptionState()
        _ = option.requestEnable()
        #expect(option.receivedDisable() == nil)
        #expect(option.state == .no)
    }

    @Test func changeOfMindWhileWaitingIsQueued() {
        var option = TelnetOptionState()
        _ = option.requestEnable()
        let sent = option.requestDisable()
        #expect(!sent && option.queued)
        #expect(option.receivedEnable(accept: true) == .disable)
        #expect(option.state == .wantNo)
        #expect(option.receivedDisable() == nil)
        #expect(option.state == .no)
    }

    @Test func unsolicitedRequestFollowsPolicy() {
        var accepted = TelnetOptionState()
        #expect(accepted.receivedEnable(accept: true) == .enable)
        #expect(accepted.isEnabled)
        var refused = TelnetOptionState()
        #expect(refused.receivedEnable(accept: false) == .disable)
        #expect(!refused.isEnabled)
    }
}
