/// Reads the server's /proc figures and keeps the highest RSS seen; without a pid, nothing.
final class ServerMonitor {
    let pid: Int32?
    private(set) var peakKiB = 0
    private var lastPoll = ContinuousClock.now - .seconds(10)

    init(pid: Int32?) {
        self.pid = pid
    }

    func sample() -> ProcessSample? {
        guard let pid, let sample = ProcessSample.read(pid: pid) else { return nil }
        peakKiB = max(peakKiB, sample.rssKiB)
        return sample
    }

    /// At most twice a second.
    func poll() {
        guard ContinuousClock.now - lastPoll > .milliseconds(500) else { return }
        lastPoll = .now
        _ = sample()
    }
}
