import CCurl
import FableCore
import Foundation
import Synchronization

/// One HTTP POST (or, with no body, GET) through libcurl, run by a `CurlDriver`'s thread,
/// which hands the response body to `onBody` as it arrives and the outcome to `onEnd` once.
/// Both are called on that thread. `cancel()` may come from any thread.
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

    private let url: String
    private let headers: [String]
    private let body: Data?
    private let limits: Limits
    private let freshConnection: Bool
    private let cancelled = Atomic<Bool>(false)
    private let driver = CurlDriver.next()

    // Touched only on the driver's thread.
    private(set) var handle: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private var onBody: ((Int, UnsafeRawBufferPointer) -> Bool)?
    private var onEnd: ((Outcome) -> Void)?
    private var status = 0
    private var responseHeaders: [String: String] = [:]
    private var receivedBytes = 0
    private var started = ContinuousClock.now
    private var abortReason: ModelError?

    /// `freshConnection`: a connection of its own, closed after the transfer, instead of one
    /// kept from an earlier transfer.
    init(url: String, headers: [String], body: Data?, limits: Limits, freshConnection: Bool = false) {
        self.url = url
        self.headers = headers
        self.body = body
        self.limits = limits
        self.freshConnection = freshConnection
    }

    /// The headers of a JSON POST to an OpenAI-compatible API, with its key when there is one.
    static func jsonHeaders(accept: String, apiKey: String?) -> [String] {
        var headers = ["Content-Type: application/json", "Accept: \(accept)"]
        if let apiKey, !apiKey.isEmpty { headers.append("Authorization: Bearer \(apiKey)") }
        return headers
    }

    /// Starts the request. `onBody(status, bytes)` returns false to stop reading.
    func start(onBody: @escaping (Int, UnsafeRawBufferPointer) -> Bool, onEnd: @escaping (Outcome) -> Void) {
        self.onBody = onBody
        self.onEnd = onEnd
        driver.start(self)
    }

    func cancel() {
        cancelled.store(true, ordering: .relaxed)
        driver.cancel(self)
    }

    var isCancelled: Bool { cancelled.load(ordering: .relaxed) }

    /// The configured easy handle, for the driver to add to its multi handle.
    func makeHandle() throws(ModelError) -> UnsafeMutableRawPointer {
        guard let curl = curl_easy_init() else { throw .malformed("libcurl could not start") }
        handle = curl
        started = .now
        for header in headers { headerList = curl_slist_append(headerList, header) }

        let context = Unmanaged.passUnretained(self).toOpaque()
        fable_curl_set_string(curl, CURLOPT_URL, url)
        fable_curl_set_long(curl, CURLOPT_NOSIGNAL, 1)
        fable_curl_set_pointer(curl, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(headerList))
        if let body {
            fable_curl_set_long(curl, CURLOPT_POST, 1)
            fable_curl_set_long(curl, CURLOPT_POSTFIELDSIZE, body.count)
            body.withUnsafeBytes { bytes in
                _ = fable_curl_set_pointer(curl, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
        } else {
            fable_curl_set_long(curl, CURLOPT_HTTPGET, 1)
        }
        if freshConnection {
            fable_curl_set_long(curl, CURLOPT_FRESH_CONNECT, 1)
            fable_curl_set_long(curl, CURLOPT_FORBID_REUSE, 1)
        }
        fable_curl_set_long(curl, CURLOPT_CONNECTTIMEOUT_MS, Int(limits.connectTimeout * 1000))
        fable_curl_set_long(curl, CURLOPT_TIMEOUT_MS, Int(limits.requestTimeout * 1000))
        // Even a slow model streams hundreds of bytes a second (each token is an SSE event);
        // fewer than this for `stallTimeout` seconds is a stalled or dripping endpoint.
        fable_curl_set_long(curl, CURLOPT_LOW_SPEED_LIMIT, 16)
        fable_curl_set_long(curl, CURLOPT_LOW_SPEED_TIME, max(1, Int(limits.stallTimeout)))
        fable_curl_set_write_callback(curl, curlWrite, context)
        fable_curl_set_header_callback(curl, curlHeader, context)
        return curl
    }

    /// Why the transfer must end now, if it must: nothing came within the first-byte time-out.
    func overdue(at now: ContinuousClock.Instant) -> ModelError? {
        guard receivedBytes == 0, now - started > .milliseconds(Int(limits.firstByteTimeout * 1000)) else { return nil }
        return .timedOut(seconds: limits.firstByteTimeout)
    }

    /// Ends the transfer with libcurl's result (nil: it never started, being cancelled).
    func finish(code: CURLcode?) {
        if let reason = abortReason { return finish(.failed(reason)) }
        guard let code, !isCancelled else { return finish(.failed(.cancelled)) }
        switch code {
        case CURLE_OK:
            finish(.completed(status: status == 0 ? handle.map(fable_curl_response_code) ?? 0 : status,
                              headers: responseHeaders))
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            finish(.failed(.unreachable(url: url)))
        case CURLE_OPERATION_TIMEDOUT:
            finish(.failed(.timedOut(seconds: receivedBytes == 0 ? limits.requestTimeout : limits.stallTimeout)))
        case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR, CURLE_GOT_NOTHING:
            finish(.failed(.truncated))
        default:
            finish(.failed(.malformed("libcurl: \(String(cString: curl_easy_strerror(code)))")))
        }
    }

    func finish(failing reason: ModelError) {
        finish(.failed(abortReason ?? reason))
    }

    private func finish(_ outcome: Outcome) {
        if let handle { curl_easy_cleanup(handle) }
        curl_slist_free_all(headerList)
        handle = nil
        headerList = nil
        onBody = nil
        let onEnd = self.onEnd
        self.onEnd = nil
        onEnd?(outcome)
    }

    fileprivate func received(_ bytes: UnsafeRawBufferPointer) -> Bool {
        receivedBytes += bytes.count
        if receivedBytes > limits.maxBytes {
            abortReason = .tooLarge(bytes: limits.maxBytes)
            return false
        }
        if status == 0, let handle { status = fable_curl_response_code(handle) }
        return onBody?(status, bytes) ?? false
    }

    fileprivate func receivedHeader(_ bytes: UnsafeRawBufferPointer) {
        let line = String(decoding: bytes, as: UTF8.self)
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].lowercased()
        responseHeaders[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
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
