import Foundation

/// A process's resident memory and CPU time, from /proc (Linux).
public struct ProcessSample: Sendable {
    /// VmRSS, in KiB.
    public var rssKiB: Int
    /// VmHWM (the peak RSS so far), in KiB.
    public var peakKiB: Int
    /// utime + stime, in seconds.
    public var cpuSeconds: Double
    public var threads: Int
    public var at: ContinuousClock.Instant

    public init(rssKiB: Int, peakKiB: Int, cpuSeconds: Double, threads: Int, at: ContinuousClock.Instant) {
        self.rssKiB = rssKiB
        self.peakKiB = peakKiB
        self.cpuSeconds = cpuSeconds
        self.threads = threads
        self.at = at
    }

    public static func read(pid: Int32) -> ProcessSample? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int {
            for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
                return Int(line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
            }
            return 0
        }
        // After the command name in parentheses: state is field 3, utime 14, stime 15.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let utime = Double(fields[11]), let stime = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        return ProcessSample(rssKiB: field("VmRSS"), peakKiB: field("VmHWM"), cpuSeconds: (utime + stime) / ticks,
                             threads: field("Threads"), at: .now)
    }

    /// This process's own sample.
    public static func own() -> ProcessSample? { read(pid: getpid()) }

    public var megabytes: String { String(format: "%.1f MiB", Double(rssKiB) / 1024) }
}
