import NIOCore

/// One file the page is made of, kept in the binary: no files to install, nothing to build.
public struct WebAsset: Sendable {
    public let path: String
    public let contentType: String
    public let body: ByteBuffer

    public init(path: String, contentType: String, text: String) {
        self.path = path
        self.contentType = contentType
        self.body = ByteBuffer(string: text)
    }

    /// The page, its style and its script: `/`, `/fable.css`, `/fable.js`. Separate files so the
    /// page's Content-Security-Policy can forbid inline script and style.
    public static let all: [String: WebAsset] = {
        let assets = [
            WebAsset(path: "/", contentType: "text/html; charset=utf-8", text: WebPage.html),
            WebAsset(path: "/fable.css", contentType: "text/css; charset=utf-8", text: WebPage.css),
            WebAsset(path: "/fable.js", contentType: "text/javascript; charset=utf-8", text: WebPage.script),
        ]
        return Dictionary(uniqueKeysWithValues: assets.map { ($0.path, $0) })
    }()
}
