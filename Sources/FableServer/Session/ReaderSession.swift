import FableCommands
import FableCore
import FableEngine
import FableTelnet
import Foundation
import NIOCore
import Synchronization

/// One connection, from greeting to goodbye: its state, the login, and dispatch of the
/// reader's lines to the commands (`ServerSets`). Everything arrives through one ordered inbox
/// (`SessionInput`, `post`) and is handled one item at a time on the actor; only the running
/// step works beside it, on the `Screen` actor.
///
/// No task waits on the inbox: an idle connection costs memory, and a task keeps every slab
/// its deepest call chain ever needed (the login's is deep). The first item posted to an
/// empty inbox starts a short-lived task that handles items until the inbox is empty, then ends;
/// the next item starts the next. So an idle reader holds no task at all, and the items are
/// still handled in the order they were posted, one at a time.
actor ReaderSession {
    nonisolated let context: GameContext
    nonisolated let screen: Screen
    nonisolated let address: String
    private nonisolated let channel: any Channel
    private nonisolated let inbox = Mutex(Inbox())

    private struct Inbox {
        var items: [SessionInput] = []
        /// A task is handling items (it ends when `items` is empty).
        var draining = false
        /// The session has ended: later items are dropped.
        var ended = false
        /// The reader's input went over `inboxLimit`; the connection is being closed.
        var overflowed = false
    }

    /// What the reader sent and the session has not handled yet, at most. A reader who types
    /// at full speed without reading what comes back stalls the session on their own full
    /// socket (the screen waits for it), while the server keeps reading their lines: without a
    /// bound they would wait here, in memory, without end. A person is never this far ahead
    /// (a line over 4 a second is dropped anyway, and 100 dropped lines close the connection).
    static let inboxLimit = 1_000

    /// Items waiting to be handled (tests).
    nonisolated var waitingItems: Int { inbox.withLock { $0.items.count } }

    var registryID: UInt64 = 0
    var login = LoginFlow()
    var account: Account?
    var worldID: Int64?
    /// Questions being asked before a new world starts.
    var questions: PendingQuestions?
    var generation: Task<Void, Never>?
    var autoRemaining = 0
    /// Lines typed while a step was being written; they run after it, in order.
    var pending: [String] = []
    /// The rest of a `read`, a page at a time.
    var pager: [String] = []
    var clientWidth: Int?
    /// The client answered telnet negotiation (so it can hide a password).
    var isTelnetClient = false
    /// The client turned GMCP on: the session sends `Fable.*` messages (`ReaderSession+GMCP`).
    var gmcp = false
    var limiter: RateLimiter
    /// The last line in and whether the login is still open, kept where `post` can read them: most
    /// ticks find nothing to do and are dropped there, without starting a task.
    private nonisolated let input = InputClock()
    private nonisolated let loginOpen = Atomic<Bool>(true)
    /// Set when the reader has logged in (the login time-out no longer applies).
    nonisolated func loginClosed() { loginOpen.store(false, ordering: .relaxed) }
    var floodStart: ContinuousClock.Instant?
    var droppedLines = 0
    var closing = false
    /// The screen this admin watches (`@snoop`).
    var snooping: Screen?

    init(context: GameContext, channel: any Channel, address: String, frontEnd: FrontEnd = .telnet) {
        self.context = context
        self.address = address
        self.channel = channel
        screen = Screen(channel: channel, statistics: context.statistics, wrapsText: frontEnd.wrapsText)
        gmcp = frontEnd.takesStructuredMessages
        limiter = RateLimiter(perSecond: context.configuration.commandsPerSecond,
                              burst: context.configuration.commandBurst)
    }

    /// Queues an item for the session (from any thread); it is handled after every item
    /// posted before it. Post `.opened` first.
    nonisolated func post(_ item: SessionInput) {
        if case .notice(.tick) = item, !tickIsDue() { return }
        var overflow = false
        let start = inbox.withLock { inbox in
            guard !inbox.ended else { return false }
            if case .telnet = item, inbox.overflowed || inbox.items.count >= Self.inboxLimit {
                // Dropped; `.disconnected` and the rest still come through, so the session ends.
                overflow = !inbox.overflowed
                inbox.overflowed = true
                return false
            }
            inbox.items.append(item)
            guard !inbox.draining else { return false }
            inbox.draining = true
            return true
        }
        if overflow {
            // The reader is not reading: no goodbye could reach them. Closing fails the write
            // the session waits on, and the session ends as on a hang-up.
            context.logger.notice("closed a connection whose input piled up", metadata: ["address": "\(address)"])
            channel.close(promise: nil)
        }
        if start { Task { await self.drain() } }
    }

    /// A tick has work only for a login that timed out or a screen silent for the keep-alive interval.
    private nonisolated func tickIsDue() -> Bool {
        let now = Moment.now()
        let configuration = context.configuration
        if loginOpen.load(ordering: .relaxed),
           now - input.nanoseconds > Moment.nanoseconds(configuration.loginIdleTimeout) {
            return true
        }
        return now - screen.lastWriteAt.load(ordering: .relaxed) > Moment.nanoseconds(configuration.keepAliveInterval)
    }

    /// Handles queued items until there are none left (or the session ends).
    private func drain() async {
        while true {
            let batch = inbox.withLock { inbox -> [SessionInput] in
                let batch = inbox.items
                inbox.items = []
                if batch.isEmpty { inbox.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            for item in batch {
                await handle(item)
                if closing {
                    await end()
                    return
                }
            }
        }
    }

    /// The first item: the session joins the registry and greets the reader.
    private func open() async {
        registryID = await context.registry.register(address: address, screen: screen, input: input) { [self] notice in
            post(.notice(notice))
        }
        await greet()
    }

    /// The reader quit, the connection dropped, or the server closed it.
    private func end() async {
        await stopSnooping()
        // A step still being written is cancelled: the world stays at its last committed step.
        generation?.cancel()
        await generation?.value
        generation = nil
        await context.registry.remove(registryID)
        inbox.withLock { inbox in
            inbox.ended = true
            inbox.items = []
        }
        closeConnection()
        if let account { context.logger.info("reader left", metadata: ["reader": "\(account.name)"]) }
    }

    /// Output first, then the socket once the reader hangs up or after `linger`.
    private func closeConnection() {
        channel.closeAfterLastWords(linger: Self.linger)
    }

    static let linger = TimeAmount.seconds(2)

    private func handle(_ item: SessionInput) async {
        switch item {
        case .opened:
            await open()
        case .telnet(let event):
            await handle(event)
        case .disconnected:
            closing = true
        case .generationEnded(let outcome):
            await finishGeneration(outcome)
        case .queuePlace(let place):
            await screen.say(place == 1 ? "(You are next in line for the storyteller.)"
                                        : "(You are number \(place) in line for the storyteller.)")
        case .notice(.message(let text)):
            await screen.sayUntrusted(text)
            if generation == nil { await screen.prompt(promptText) }
        case .notice(.boot(let reason)):
            await screen.say(reason)
            closing = true
        case .notice(.watched(_, let text)):
            await screen.raw(text)
        case .notice(.tick):
            await tick()
        }
    }

    private func handle(_ event: TelnetEvent) async {
        switch event {
        case .line(let raw):
            input.touch()
            guard limiter.allow() else {
                await dropped()
                return
            }
            await handleLine(TerminalText.sanitize(raw).replacingOccurrences(of: "\n", with: " "))
        case .lineTruncated(let limit):
            await screen.say("(That line was longer than \(limit) bytes; only its start was kept.)")
        case .windowSize(let width, _):
            clientWidth = width
            if account?.settings.width == nil { await screen.setWidth(width) }
        case .negotiated(let telnet):
            isTelnetClient = telnet
        case .gmcpEnabled(let enabled):
            gmcp = enabled
        case .terminalType, .gmcp:
            break  // a client's own GMCP messages (Core.Hello, Core.Supports.Set) change nothing here
        }
    }

    func handleLine(_ line: String) async {
        if !login.isFinished {
            await perform(login.line(line))
            // A login that just finished needs its first game prompt.
            if login.isFinished { await promptIfIdle() }
            return
        }
        let parsed = ServerSets.parser.parse(line)
        if generation != nil {
            await lineDuringGeneration(line, parsed: parsed)
            return
        }
        if !pager.isEmpty, await page(line) {
            await promptIfIdle()
            return
        }
        if questions != nil {
            await answer(line)
        } else {
            await CommandRunner.run(parsed, in: self)
        }
        await promptIfIdle()
    }

    /// The prompt, unless a step is being written (it prompts when done) or a question is open.
    func promptIfIdle() async {
        if !closing, generation == nil, login.isFinished, questions == nil { await screen.prompt(promptText) }
    }

    /// While a passage is written, `stop` and `quit` act at once; other lines wait their turn.
    private func lineDuringGeneration(_ line: String, parsed: ParsedLine) async {
        switch parsed {
        case .empty:
            break
        case .command(let command) where type(of: command).actsWhileWriting:
            await CommandRunner.run(parsed, in: self)
        default:
            pending.append(line)
            await screen.say("(Waiting: that runs after this passage. `stop` cancels the passage.)")
        }
    }

    var promptText: String { "> " }

    /// A line over the rate limit: one notice a burst, and a connection that keeps flooding
    /// is closed, so it cannot keep the server busy answering it.
    private func dropped() async {
        let now = ContinuousClock.now
        if let start = floodStart, now - start < .seconds(10) {
            droppedLines += 1
        } else {
            floodStart = now
            droppedLines = 1
            await screen.say("(Too fast: at most \(Int(context.configuration.commandsPerSecond)) lines a second. Lines are dropped until you slow down.)")
        }
        if droppedLines > Self.floodLimit {
            context.logger.notice("closed a flooding connection", metadata: ["address": "\(address)"])
            await screen.say("Too much input; goodbye.")
            closing = true
        }
    }

    /// Dropped lines within 10 s that close the connection.
    static let floodLimit = 100

    private func tick() async {
        let now = ContinuousClock.now
        let configuration = context.configuration
        if !login.isFinished, now - input.last > configuration.loginIdleTimeout {
            await screen.say("No login for \(configuration.loginIdleTimeout.components.seconds) seconds; goodbye.")
            closing = true
            return
        }
        if now - (await screen.lastWrite) > configuration.keepAliveInterval {
            await screen.keepAlive()
        }
    }
}
