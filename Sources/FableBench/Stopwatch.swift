import Foundation

/// Wall time and this process's CPU time (all threads) of one part. The bench runs one part
/// at a time, so the CPU time is that part's own, whatever else the machine is doing.
struct Stopwatch {
    struct Lap: Sendable {
        var wall: Double
        var cpu: Double
    }

    private let wall = ContinuousClock.now
    private let cpu = Stopwatch.processCPU()

    func lap() -> Lap {
        Lap(wall: (ContinuousClock.now - wall).milliseconds, cpu: Stopwatch.processCPU() - cpu)
    }

    /// Milliseconds of CPU this process has used.
    static func processCPU() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) * 1000 + Double(spec.tv_nsec) / 1e6
    }
}
