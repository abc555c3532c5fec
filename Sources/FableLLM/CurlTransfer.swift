import CCurl
import FableCore
import Foundation
import Synchronization

/// One HTTP POST through libcurl, run to the end on the calling thread, handing
/// the response body to `onBody` as it arrives. `cancel()` may come from any thread.
final class CurlTransfer: @unchecked Sendable {
    struct Limits {
        var connectTimeout: Double
        var requestTimeout: Double
        var firstByteTimeout: Double
        var stallTimeout: Double
        var maxBytes: Int
    }

    enum Outcome {
        /// The body ended; `status` is the HTTP status.
        case completed(status: Int, headers: [String: String])
        case failed(ModelError)
    }

    private static let globalInit: Bool = {
        curl_global_init(3) // CURL_GLOBAL_ALL, a macro Swift does not import
        return true
    }()

    private let url: String
    private let headers: [String]
    private let body: Data
    private let limits: Limits
    private let cancelled = Atomic<Bool>(false)

    // Touched only on the transfer's own thread.
    private var handle: UnsafeMutableRawPointer?
    private var onBody: ((Int, UnsafeRawBufferPointer) -> Bool)?
    private var responseHeaders: [String: String] = [:]
    private var receivedBytes = 0
    private var started = ContinuousClock.now
    private var abortReason: ModelError?

    init(url: String, headers: [String], body: Data, limits: Limits) {
        self.url = url
        self.headers = headers
        self.body = body
        self.limits = limits
    }

    /// The headers of a JSON POST to an OpenAI-compatible API, with its key when there is one.
    static func jsonHeaders(accept: String, apiKey: String?) -> [String] {
        var headers = ["Content-Type: application/json", "Accept: \(accept)"]
        if let apiKey, !apiKey.isEmpty { headers.append("Authorization: Bearer \(apiKey)") }
        return headers
    }

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
    }

    /// Runs the request; `onBody(status, bytes)` returns false to stop reading.
    func run(onBody: @escaping (Int, UnsafeRawBufferPointer) -> Bool) -> Outcome {
        _ = Self.globalInit
        guard let curl = curl_easy_init() else { return .failed(.malformed("libcurl could not start")) }
        defer { curl_easy_cleanup(curl) }
        handle = curl
        self.onBody = onBody
        started = .now

        var list: UnsafeMutablePointer<curl_slist>?
        for header in headers { list = curl_slist_append(list, header) }
        defer { curl_slist_free_all(list) }

        let context = Unmanaged.passUnretained(self).toOpaque()
        fable_curl_set_string(curl, CURLOPT_URL, url)
        fable_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
        fable_curl_set_long(curl, CURLOPT_POST, 1)
        fable_curl_set_pointer(curl, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list))
        fable_curl_set_long(curl, CURLOPT_POSTFIELDSIZE, body.count)
        body.withUnsafeBytes { bytes in
            _ = fable_curl_set_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
        }
        fable_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Int(limits.connectTimeout * 1000))
        fable_curl_set_long(curl, CURLOPT_TIMEOUT_MS, Int(limits.requestTimeout * 1000))
        // Even a slow model streams hundreds of bytes a second (each token is an SSE event);
        // fewer than this for `stallTimeout` seconds is a stalled or dripping endpoint.
        fable_curl_set_long(curl, CURLOPT_LOW_SPEED_LIMIT, 16)
        fable_curl_set_long(curl, CURLOPT_LOW_SPEED_TIME, max(1, Int(limits.stallTimeout)))
        fable_curl_set_write_callback(curl, curlWrite, context)
        fable_curl_set_header_callback(curl, curlHeader, context)
        fable_curl_set_progress_callback(curl, curlProgress, context)

        let code = curl_easy_perform(curl)
        if let reason = abortReason { return .failed(reason) }
        if cancelled.load(ordering: .relaxed) { return .failed(.cancelled) }
        switch code {
        case CURLE_OK:
            return .completed(status: fable_curl_response_code(curl), headers: responseHeaders)
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return .failed(.unreachable(url: url))
        case CURLE_OPERATION_TIMEDOUT:
            return .failed(.timedOut(seconds: receivedBytes == 0 ? limits.requestTimeout : limits.stallTimeout))
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            return .failed(.truncated)
        default:
            return .failed(.malformed("libcurl: \(String(cString: curl_easy_strerror(code)))"))
        }
    }

    fileprivate func received(_ bytes: UnsafeRawBufferPointer) -> Bool {
        receivedBytes += bytes.count
        if receivedBytes > limits.maxBytes {
            abortReason = .tooLarge(bytes: limits.maxBytes)
            return false
        }
        let status = handle.map { fable_curl_response_code($0) } ?? 0
        return onBody?(status, bytes) ?? false
    }

    fileprivate func receivedHeader(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        responseHeaders[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Called by libcurl about once a second: cancellation and the first-byte deadline.
    fileprivate func shouldAbort() -> Bool {
        if cancelled.load(ordering: .relaxed) { return true }
        if receivedBytes == 0, ContinuousClock.now - started > .milliseconds(Int(limits.firstByteTimeout * 1000)) {
            abortReason = .timedOut(seconds: limits.firstByteTimeout)
            return true
        }
        return false
    }
}

private func transfer(_ context: UnsafeMutableRawPointer?) -> CurlTransfer {
    Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
}

private let curlWrite: fable_curl_data_callback = { data, size, count, context in
    let bytes = UnsafeRawBufferPointer(start: data, count: size * count)
    return transfer(context).received(bytes) ? size * count : 0
}

private let curlHeader: fable_curl_data_callback = { data, size, count, context in
    transfer(context).receivedHeader(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}

private let curlProgress: fable_curl_progress_callback = { context, _, _, _, _ in
    transfer(context).shouldAbort() ? 1 : 0
}
