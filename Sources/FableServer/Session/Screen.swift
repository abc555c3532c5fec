import FableCore
import FableTelnet
import NIOCore
import Synchronization

/// One reader's terminal: everything the server shows goes through here, wrapped to the
/// reader's width, with every piece of text from the model or another person sanitized.
/// An actor, so the passage streaming from a generation and the session's own messages
/// never interleave mid-line. It runs on its connection's event loop: its writes reach the
/// channel without another hop, and a step's passage, which arrives on the model transport's
/// thread, is queued there in order (`streamed`) instead of through a task, which would cost
/// a thread wake-up per token.
public actor Screen {
    private let channel: any Channel
    /// Kept: an event loop's executor may be made on each request (NIO's default wrapper).
    private let executor: any SerialExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    public private(set) var width: Int
    /// The column the cursor is at; non-zero while a passage line is half shown.
    private var column = 0
    private var streaming: WordWrapper?
    private var closed = false
    /// When the server last wrote to this screen (`Moment`), readable without a hop to the actor.
    let lastWriteAt = Atomic<Int64>(Moment.now())
    public var lastWrite: ContinuousClock.Instant { Moment.instant(lastWriteAt.load(ordering: .relaxed)) }
    /// Admins watching this screen (`@snoop`).
    private var watchers: [UInt64: @Sendable (String) -> Void] = [:]
    /// Where the passages' first bytes are timed (`@stats`).
    private let statistics: StepStatistics

    /// Writes go to `channel`, whose pipeline ends in the telnet handlers (`TelnetOutput` in).
    /// `wrapsText` false: the client wraps (a browser), so text goes out as in screen-reader mode.
    public init(channel: any Channel, statistics: StepStatistics, width: Int = ReaderSettings.defaultWidth,
                wrapsText: Bool = true) {
        self.channel = channel
        self.executor = channel.eventLoop.executor
        self.width = width
        self.statistics = statistics
        self.wrapsText = wrapsText
    }

    /// The server wraps lines at the reader's width; not when the client does it itself.
    private let wrapsText: Bool

    public func setWidth(_ width: Int) {
        self.width = min(ReaderSettings.widthRange.upperBound, max(ReaderSettings.widthRange.lowerBound, width))
    }

    /// Screen-reader mode: no line breaks of the server's own inside a paragraph (a screen
    /// reader, or the terminal, wraps), so a line is read as one sentence, not cut at column 80.
    public private(set) var plain = false

    public func setPlain(_ plain: Bool) {
        self.plain = plain
    }

    /// The width text is wrapped at: the reader's, or none in screen-reader mode or when the
    /// client wraps.
    public var wrapWidth: Int { plain || !wrapsText ? Self.unwrapped : width }
    static let unwrapped = 1_000_000

    /// Server text (already trusted): each paragraph wrapped, starting on a fresh line.
    public func say(_ text: String) async {
        await write(paragraph(text))
    }

    private func paragraph(_ text: String) -> String {
        var out = column > 0 ? "\n" : ""
        var wrapper = WordWrapper(width: wrapWidth)
        out += wrapper.feed(text) + wrapper.finish()
        if !out.hasSuffix("\n") { out += "\n" }
        column = 0
        return out
    }

    /// Text that came from the model or a person: control sequences removed first.
    public func sayUntrusted(_ text: String) async {
        await say(TerminalText.sanitize(text))
    }

    /// Lines laid out by the caller (tables, lists); only the line start is fixed.
    public func raw(_ text: String) async {
        let out = (column > 0 ? "\n" : "") + text
        column = out.hasSuffix("\n") ? 0 : 1
        await write(out)
    }

    /// The input prompt, at the start of a line.
    public func prompt(_ text: String = "> ") async {
        await write((column > 0 ? "\n" : "") + text)
        column = 0
    }

    /// A piece of the passage; the first one starts a new paragraph.
    public func passage(_ fragment: String) async {
        guard let out = layOut(fragment) else { return }
        await write(out)
    }

    private func layOut(_ fragment: String) -> String? {
        var out = ""
        if streaming == nil {
            streaming = WordWrapper(width: wrapWidth)
            out = column > 0 ? "\n\n" : "\n"
            column = 0
        }
        let text = streaming!.feed(TerminalText.sanitize(fragment))
        if !text.isEmpty { track(text) }
        out += text
        return out.isEmpty ? nil : out
    }

    /// A notice that only makes sense before the passage has begun.
    public func sayIfQuiet(_ text: String) async {
        guard streaming == nil else { return }
        await say(text)
    }

    public func endPassage() async {
        guard let out = passageEnd() else { return }
        await write(out)
    }

    private func passageEnd() -> String? {
        guard var wrapper = streaming else { return nil }
        streaming = nil
        column = 0
        return wrapper.finish() + "\n"
    }

    /// A step's event, from any thread: queued on the event loop behind what came before it,
    /// and shown without waiting for a slow reader's socket (one reply at most: the session's
    /// own next words wait for it).
    nonisolated func streamed(_ event: StreamedOutput) {
        channel.eventLoop.execute {
            self.assumeIsolated { screen in
                switch event {
                case .passage(let fragment, let times):
                    let begins = screen.streaming == nil
                    guard let out = screen.layOut(fragment) else { return }
                    screen.writeNow(out)
                    if begins {
                        // The passage's first bytes (a rewritten passage's too) are on their way.
                        let now = ContinuousClock.now
                        screen.statistics.record(.firstPassage, now - times.started)
                        screen.statistics.record(.handOff, now - times.decoded)
                    }
                case .restart(let notice), .notice(let notice):
                    let out = (screen.passageEnd() ?? "") + screen.paragraph(notice)
                    screen.writeNow(out)
                }
            }
        }
    }

    public func hideInput(_ hidden: Bool) async {
        await send(.hideInput(hidden))
    }

    public func keepAlive() async {
        await send(.keepAlive)
    }

    /// A GMCP message (`IAC SB GMCP "package json" IAC SE`), beside the text: not shown, not
    /// wrapped, not passed to watchers. The telnet layer drops it unless the client turned GMCP on.
    public func gmcp(_ package: String, _ json: String) async {
        await send(.gmcp(package: package, json: json))
    }

    public func watch(id: UInt64, _ watcher: @escaping @Sendable (String) -> Void) {
        watchers[id] = watcher
    }

    public func unwatch(id: UInt64) {
        watchers[id] = nil
    }

    private func track(_ out: String) {
        if let newline = out.lastIndex(of: "\n") {
            column = out[out.index(after: newline)...].isEmpty ? 0 : 1
        } else {
            column += 1
        }
    }

    private func write(_ text: String) async {
        for watcher in watchers.values { watcher(text) }
        await send(.text(text))
    }

    /// Like `write`, without waiting for the socket to take it.
    private func writeNow(_ text: String) {
        for watcher in watchers.values { watcher(text) }
        guard takesOutput() else { return }
        channel.writeAndFlush(TelnetOutput.text(text), promise: nil)
    }

    /// Whether the connection still takes output (once it has not, it never will); when it
    /// does, the write about to be made is the screen's last.
    private func takesOutput() -> Bool {
        guard !closed else { return false }
        guard channel.isActive else {
            closed = true
            return false
        }
        lastWriteAt.store(Moment.now(), ordering: .relaxed)
        return true
    }

    /// Hands the output to the channel. Like an async channel writer, it only waits while the
    /// connection is not writable (a reader who stops reading): then until the socket has taken
    /// this write, so a slow reader holds back their own session instead of filling memory (a
    /// step's passage does not wait, see `streamed`, but the words after it do).
    private func send(_ output: TelnetOutput) async {
        guard takesOutput() else { return }
        // A stopped step (a cancelled task) does not wait: what it wrote is dropped or sent later.
        guard !channel.isWritable, !Task.isCancelled else {
            channel.writeAndFlush(output, promise: nil)
            return
        }
        let written = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(output, promise: written)
        do {
            try await written.futureResult.get()
        } catch {
            closed = true
        }
    }
}

/// What a running step shows, as `Screen.streamed` takes it.
enum StreamedOutput: Sendable {
    /// When the step got its slot and when this fragment came off the model's stream.
    struct Times: Sendable {
        var started: ContinuousClock.Instant
        var decoded: ContinuousClock.Instant
    }

    case passage(String, Times)
    /// The passage so far is void; `notice` says it starts again.
    case restart(notice: String)
    /// The passage is over and stays; `notice` says what is still being written.
    case notice(String)
}
