import NIOCore

extension Channel {
    /// Closes the connection without losing the last words written. A reader may have sent
    /// more than the server read (a flood, lines typed after `quit`, a telnet client's option
    /// replies), and closing a socket with unread input resets it (RST), which can overtake
    /// or cut off the words still on their way. So the output is shut first (the reader gets
    /// everything written, then end of stream), input that still arrives is read and dropped,
    /// and the connection closes when the reader hangs up, or after `linger` (a reader that
    /// does not read, or does not hang up).
    func closeAfterLastWords(linger: TimeAmount) {
        let outputClosed = eventLoop.makePromise(of: Void.self)
        close(mode: .output, promise: outputClosed)
        outputClosed.futureResult.whenFailure { _ in self.close(promise: nil) }
        eventLoop.scheduleTask(in: linger) { self.close(promise: nil) }
    }
}
