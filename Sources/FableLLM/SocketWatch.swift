#if !os(Linux)
#error("Fable builds on Linux only: its HTTP driver (CurlDriver) waits on sockets with Linux's epoll and eventfd.")
#else
import CCurl // also brings sys/epoll.h and sys/eventfd.h
import Glibc

/// The sockets a `CurlDriver` waits on (epoll), and a wake-up other threads can ring
/// (eventfd). Used on the driver's thread only, except `ring()`.
final class SocketWatch: @unchecked Sendable {
    struct Ready {
        var socket: Int32
        var readable: Bool
        var writable: Bool
        var failed: Bool
    }

    private let epoll: Int32
    private let bell: Int32
    private var events = [epoll_event](repeating: epoll_event(), count: 256)

    init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        bell = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        precondition(epoll >= 0 && bell >= 0, "epoll or eventfd could not be created")
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(fd: bell))
        epoll_ctl(epoll, EPOLL_CTL_ADD, bell, &event)
    }

    /// Wakes `wait` from any thread.
    func ring() {
        var one: UInt64 = 1
        _ = write(bell, &one, MemoryLayout<UInt64>.size)
    }

    /// Watches `socket` for reading and/or writing; neither: no longer watched.
    func watch(_ socket: Int32, reading: Bool, writing: Bool) {
        guard reading || writing else {
            epoll_ctl(epoll, EPOLL_CTL_DEL, socket, nil)
            return
        }
        var event = epoll_event(events: (reading ? EPOLLIN.rawValue : 0) | (writing ? EPOLLOUT.rawValue : 0),
                                data: epoll_data_t(fd: socket))
        if epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) != 0 {
            epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event)
        }
    }

    /// Waits up to `milliseconds` (-1: until something happens); the sockets that are ready.
    /// A ring only ends the wait.
    func wait(milliseconds: Int32) -> [Ready] {
        let count = events.withUnsafeMutableBufferPointer { buffer in
            epoll_wait(epoll, buffer.baseAddress, Int32(buffer.count), milliseconds)
        }
        guard count > 0 else { return [] }
        var ready: [Ready] = []
        ready.reserveCapacity(Int(count))
        for event in events.prefix(Int(count)) {
            let socket = event.data.fd
            if socket == bell {
                var value: UInt64 = 0
                _ = read(bell, &value, MemoryLayout<UInt64>.size)
                continue
            }
            ready.append(Ready(socket: socket, readable: event.events & EPOLLIN.rawValue != 0,
                               writable: event.events & EPOLLOUT.rawValue != 0,
                               failed: event.events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0))
        }
        return ready
    }
}
#endif
