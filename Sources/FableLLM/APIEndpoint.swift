/// An endpoint of an OpenAI-compatible API: its base URL (`…/v1`, with or without a trailing
/// slash) and the path under it.
enum APIEndpoint {
    static func url(_ baseURL: String, _ path: String) -> String {
        (baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL) + "/" + path
    }
}
