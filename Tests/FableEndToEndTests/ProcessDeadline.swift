import Foundation
import Testing

extension Process {
    /// Waits for the process to exit; past `timeout` it is killed, waited for, and the test
    /// records that `what` did not finish.
    func finish(within timeout: Duration, _ what: @autoclosure () -> String) async throws {
        let deadline = ContinuousClock.now + timeout
        while isRunning {
            if ContinuousClock.now > deadline {
                kill(processIdentifier, SIGKILL)
                Issue.record("\(what()) did not finish in \(timeout)")
                waitUntilExit()
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
