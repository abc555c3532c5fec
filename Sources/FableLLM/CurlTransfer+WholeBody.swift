import FableCore

extension CurlTransfer {
    /// Runs the transfer and returns its whole body, or the API's error: for replies read at
    /// once rather than streamed. Cancelling the task cancels the transfer.
    func wholeBody() async throws -> [UInt8] {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8], any Error>) in
                collect { continuation.resume(with: $0) }
            }
        } onCancel: {
            cancel()
        }
    }

    private func collect(then done: @escaping (Result<[UInt8], any Error>) -> Void) {
        var received: [UInt8] = []
        start(onBody: { _, bytes in
            received.append(contentsOf: bytes)
            return true
        }, onEnd: { outcome in
            switch outcome {
            case .failed(let error):
                done(.failure(error))
            case .completed(let status, let headers) where status == 429:
                done(.failure(ModelError.rateLimited(retryAfter: headers["retry-after"].flatMap(Double.init))))
            case .completed(let status, _) where !(200..<300).contains(status):
                done(.failure(ModelError.http(status: status, body: APIErrorBody.message(received))))
            case .completed:
                done(.success(received))
            }
        })
    }
}
