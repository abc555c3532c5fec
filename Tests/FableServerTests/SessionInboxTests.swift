import FableCore
import FableEngine
import FableLLM
@testable import FableServer
import FableStore
import FableTestSupport
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

/// A socket the reader no longer drains: every write waits, until the connection is closed.
private final class StalledSocket: ChannelOutboundHandler, Sendable {
    typealias OutboundIn = Any

    private let held = Mutex<[EventLoopPromise<Void>]>([])
    let writes = Atomic<Int>(0)
    let closes = Atomic<Int>(0)

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if let promise { held.withLock { $0.append(promise) } }
        writes.add(1, ordering: .relaxed)
    }

    func flush(context: ChannelHandlerContext) {}

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        closes.add(1, ordering: .relaxed)
        for waiting in held.withLock({ held in defer { held = [] }; return held }) {
            waiting.fail(ChannelError.ioOnClosedChannel)
        }
        context.close(mode: mode, promise: promise)
    }
}

@Suite struct SessionInboxTests {
    @Test func aReaderWhoSendsWithoutReadingIsClosedBeforeTheirLinesPileUp() async throws {
        let folder = ScratchFolder.make("fable-inbox")
        let store = try SQLiteStore(path: folder.appendingPathComponent("fable.sqlite").path)
        let storyteller = Storyteller(store: store,
                                      model: OpenAIChatClient(configuration: LLMConfiguration(baseURL: "http://127.0.0.1:9/v1")))
        let context = GameContext(store: store, storyteller: storyteller,
                                  catalog: StoryFolderCatalog(directory: folder.path),
                                  configuration: ServerConfiguration(), logger: Logger(label: "fable-test"))
        let socket = StalledSocket()
        let channel = await NIOAsyncTestingChannel(handler: socket)
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 4000))
        channel.isWritable = false

        let session = ReaderSession(context: context, channel: channel, address: "127.0.0.1")
        session.post(.opened)
        for _ in 0..<500 where socket.writes.load(ordering: .relaxed) == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(socket.writes.load(ordering: .relaxed) >= 1, "the greeting waits on the full socket")

        // The server keeps reading what the reader sends while the session waits.
        for _ in 0..<(ReaderSession.inboxLimit * 3) { session.post(.telnet(.line("look"))) }
        #expect(session.waitingItems <= ReaderSession.inboxLimit)
        for _ in 0..<500 where socket.closes.load(ordering: .relaxed) == 0 {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(socket.closes.load(ordering: .relaxed) >= 1, "the connection was closed")
        session.post(.disconnected)
    }
}
