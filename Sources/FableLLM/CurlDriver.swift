import CCurl
import FableCore
import Foundation
import Synchronization

/// Runs HTTP transfers on one thread through libcurl's multi socket interface; the process
/// has a few (`next()` hands them out in turn). Not a thread per call (the easy interface):
/// with hundreds of readers generating, that is hundreds of threads each polling its own
/// socket, and the server's CPU goes to context switches. Here one epoll wait serves every
/// transfer of the driver, libcurl is told which socket is ready (`curl_multi_socket_action`),
/// so a token costs the work of its own transfer only, and connections to the model are kept
/// alive and reused. More than one thread, because a single one, always busy, waits behind every
/// other runnable thread when the machine is loaded, and every stream's next token waits with
/// it; one per core, since more only wake more often and cost CPU per step. Linux only, as
/// `SocketWatch` (epoll) is.
final class CurlDriver: @unchecked Sendable {
    private static let drivers = (0..<max(2, ProcessInfo.processInfo.activeProcessorCount)).map {
        CurlDriver(number: $0)
    }
    private static let turn = Atomic<Int>(0)

    /// The driver for a new transfer.
    static func next() -> CurlDriver {
        drivers[turn.add(1, ordering: .relaxed).oldValue % drivers.count]
    }

    private struct Inbox {
        var added: [CurlTransfer] = []
        var cancelled: [CurlTransfer] = []
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = Mutex(Inbox())
    private let sockets = SocketWatch()
    /// Touched only on the driver's thread: the transfers in the multi handle, by easy handle.
    private var running: [UnsafeMutableRawPointer: CurlTransfer] = [:]
    /// When libcurl wants to be called for its own time-outs (its timer callback).
    fileprivate var curlDeadline: ContinuousClock.Instant?
    private var lastSweep = ContinuousClock.now

    /// Milliseconds the thread sleeps at most while transfers run: how often the first-byte
    /// deadlines are checked (libcurl has no option for that one).
    private static let tick = 100

    private static let globalInit: Void = {
        curl_global_init(3) // CURL_GLOBAL_ALL, a macro Swift does not import
    }()

    private init(number: Int) {
        _ = Self.globalInit
        guard let multi = curl_multi_init() else { fatalError("libcurl could not start its multi interface") }
        self.multi = multi
        let context = Unmanaged.passUnretained(self).toOpaque()
        fable_curl_multi_set_socket_callback(multi, curlSocket, context)
        fable_curl_multi_set_timer_callback(multi, curlTimer, context)
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "fable-curl-\(number)"
        thread.start()
    }

    func start(_ transfer: CurlTransfer) {
        inbox.withLock { $0.added.append(transfer) }
        sockets.ring()
    }

    func cancel(_ transfer: CurlTransfer) {
        inbox.withLock { $0.cancelled.append(transfer) }
        sockets.ring()
    }

    fileprivate func watch(_ socket: Int32, what: Int32) {
        sockets.watch(socket, reading: what == CURL_POLL_IN || what == CURL_POLL_INOUT,
                      writing: what == CURL_POLL_OUT || what == CURL_POLL_INOUT)
    }

    private func loop() {
        var stillRunning: Int32 = 0
        while true {
            let news = inbox.withLock { inbox in
                defer { inbox = Inbox() }
                return inbox
            }
            for transfer in news.added { add(transfer) }
            for transfer in news.cancelled { stop(transfer, .cancelled) }
            for ready in sockets.wait(milliseconds: waitLimit()) {
                let flags = (ready.readable ? CURL_CSELECT_IN : 0) | (ready.writable ? CURL_CSELECT_OUT : 0)
                    | (ready.failed ? CURL_CSELECT_ERR : 0)
                curl_multi_socket_action(multi, ready.socket, Int32(flags), &stillRunning)
            }
            if let deadline = curlDeadline, deadline <= .now {
                curlDeadline = nil
                curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &stillRunning)
            }
            collectFinished()
            sweepDeadlines()
        }
    }

    /// Until libcurl's next time-out, at most a tick while transfers run; idle, until woken.
    private func waitLimit() -> Int32 {
        var limit: Int64 = running.isEmpty ? -1 : Int64(Self.tick)
        if let deadline = curlDeadline {
            // Whole milliseconds, rounded up so the wait never ends early; none when it is due (libcurl
            // asks for 0 ms to start a new transfer, and a millisecond's wait there is one per request).
            let left = deadline - ContinuousClock.now
            let milliseconds = left <= .zero ? 0 : Int64((left / .milliseconds(1)).rounded(.up))
            limit = limit < 0 ? milliseconds : min(limit, milliseconds)
        }
        return Int32(limit)
    }

    private func add(_ transfer: CurlTransfer) {
        guard !transfer.isCancelled else { return transfer.finish(code: nil) }
        do throws(ModelError) {
            let easy = try transfer.makeHandle()
            running[easy] = transfer
            curl_multi_add_handle(multi, easy)
        } catch {
            transfer.finish(failing: error)
        }
    }

    /// Ends a running transfer early (it may have finished already: then nothing happens).
    private func stop(_ transfer: CurlTransfer, _ reason: ModelError) {
        guard let easy = transfer.handle, running.removeValue(forKey: easy) != nil else { return }
        curl_multi_remove_handle(multi, easy)
        transfer.finish(failing: reason)
    }

    private func collectFinished() {
        var queued: Int32 = 0
        while let message = curl_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            curl_multi_remove_handle(multi, easy)
            running.removeValue(forKey: easy)?.finish(code: code)
        }
    }

    private func sweepDeadlines() {
        let now = ContinuousClock.now
        guard now - lastSweep >= .milliseconds(Self.tick) else { return }
        lastSweep = now
        for transfer in running.values {
            if let reason = transfer.overdue(at: now) { stop(transfer, reason) }
        }
    }
}

private func driver(_ context: UnsafeMutableRawPointer?) -> CurlDriver {
    Unmanaged<CurlDriver>.fromOpaque(context!).takeUnretainedValue()
}

private let curlSocket: curl_socket_callback = { _, socket, what, context, _ in
    driver(context).watch(socket, what: what)
    return 0
}

private let curlTimer: curl_multi_timer_callback = { _, milliseconds, context in
    driver(context).curlDeadline = milliseconds < 0 ? nil : .now + .milliseconds(milliseconds)
    return 0
}
