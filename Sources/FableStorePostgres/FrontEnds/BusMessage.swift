import FableCore
import Foundation

/// One notification on the front ends' channel, as JSON: who sent it, and either a front end's
/// event or word that a world's vectors changed (which only the store acts on).
struct BusMessage: Codable, Equatable {
    /// The channel every front end of a database listens on.
    static let channel = "fable_front_ends"
    /// PostgreSQL refuses a payload of 8,000 bytes or more; a broadcast is cut well below that.
    static let broadcastLimit = 6000

    var from: String
    var event: FrontEndEvent?
    /// A world whose stored vectors changed: the other front ends forget that world's in memory.
    var vectorsOfWorld: Int64?

    func payload() -> String {
        var message = self
        if case .broadcast(let text) = event, text.utf8.count > Self.broadcastLimit {
            message.event = .broadcast(text: String(decoding: text.utf8.prefix(Self.broadcastLimit), as: UTF8.self))
        }
        let data = (try? JSONEncoder().encode(message)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func read(_ payload: String) -> BusMessage? {
        try? JSONDecoder().decode(BusMessage.self, from: Data(payload.utf8))
    }
}
