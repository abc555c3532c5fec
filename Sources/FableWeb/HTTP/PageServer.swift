import NIOCore
import NIOHTTP1

/// The HTTP side of the web port: answers `GET` (and `HEAD`) for the page's files and nothing
/// else, one answer a connection. `/ws` never reaches it: the upgrade handler before it takes
/// WebSocket requests. A connection that has asked for nothing for `idleTime` is closed, so open
/// sockets that never become readers cannot pile up.
public final class PageServer: ChannelInboundHandler, RemovableChannelHandler {
    public typealias InboundIn = HTTPServerRequestPart
    public typealias OutboundOut = HTTPServerResponsePart

    private let assets: [String: WebAsset]
    private let idleTime: TimeAmount
    private var idleClose: Scheduled<Void>?
    /// The request being read: its response goes out at its end.
    private var request: HTTPRequestHead?

    public init(assets: [String: WebAsset] = WebAsset.all, idleTime: TimeAmount = .seconds(30)) {
        self.assets = assets
        self.idleTime = idleTime
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        armIdleClose(context: context)
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        idleClose?.cancel()
        idleClose = nil
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch Self.unwrapInboundIn(data) {
        case .head(let head):
            request = head
            idleClose?.cancel()
        case .body:
            break  // no route takes a body
        case .end:
            guard let head = request else { return }
            request = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let response: (HTTPResponseStatus, WebAsset?)
        switch head.method {
        case .GET, .HEAD:
            let asset = assets[path == "/index.html" ? "/" : path]
            response = (asset == nil ? .notFound : .ok, asset)
        default:
            response = (.methodNotAllowed, nil)
        }
        let (status, asset) = response
        let body = asset?.body ?? ByteBuffer(string: "\(status.code) \(status.reasonPhrase)\n")
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: asset?.contentType ?? "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(body.readableBytes)")
        headers.add(name: "Cache-Control", value: "no-cache")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        headers.add(name: "Referrer-Policy", value: "no-referrer")
        // The page's own files and its WebSocket only: no inline script, no other origin.
        headers.add(name: "Content-Security-Policy",
                    value: "default-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
        if status == .methodNotAllowed { headers.add(name: "Allow", value: "GET, HEAD") }
        // One answer a connection: the page is three small files, and a connection that is not a
        // reader's is closed as soon as it has what it asked for, so it is never held idle
        // against its address's limit.
        headers.add(name: "Connection", value: "close")
        context.write(Self.wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
                      promise: nil)
        if head.method != .HEAD { context.write(Self.wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let written = context.writeAndFlush(Self.wrapOutboundOut(.end(nil)))
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        written.whenComplete { _ in loopBound.value.close(promise: nil) }
    }

    private func armIdleClose(context: ChannelHandlerContext) {
        idleClose?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        idleClose = context.eventLoop.scheduleTask(in: idleTime) { loopBound.value.close(promise: nil) }
    }
}
