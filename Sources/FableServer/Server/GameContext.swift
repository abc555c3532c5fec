import FableCore
import FableEngine
import FableTelnet
import Foundation
import Logging

/// What every session shares: the store, the storyteller and the server-wide limits.
/// A class, so each session holds one reference to it rather than its own copy: a copy of
/// every field would make each idle session bigger.
public final class GameContext: Sendable {
    public let store: any StoryStore & AccountStore
    public let storyteller: Storyteller
    /// The only way sessions reach a world.
    public let worlds: WorldService
    public let catalog: any StoryCatalog
    public let configuration: ServerConfiguration
    public let registry: ReaderRegistry
    /// The other front ends on the same database: logins, boots and broadcasts reach them, and
    /// `@who` lists their readers. None for a server alone on its store.
    public let frontEnds: any FrontEndBus
    public let queue: GenerationQueue
    public let throttle: LoginThrottle
    public let hasher: PasswordHasher
    public let logger: Logger
    /// What the steps took lately (`@stats`).
    public let statistics = StepStatistics()
    /// When the server started (MSSP's UPTIME).
    public let startedAt = Date()
    /// The MSSP variables for a crawler that connected to a port, read without waiting on an
    /// actor: the telnet layer answers on the connection's event loop. One closure shared by
    /// every connection.
    public let mssp: MSSPProvider

    public init(store: any StoryStore & AccountStore, storyteller: Storyteller, catalog: any StoryCatalog,
                configuration: ServerConfiguration, logger: Logger,
                frontEnds: any FrontEndBus = InProcessFrontEndBus()) {
        self.store = store
        self.storyteller = storyteller
        worlds = WorldService(storyteller: storyteller)
        self.catalog = catalog
        self.configuration = configuration
        self.logger = logger
        registry = ReaderRegistry()
        self.frontEnds = frontEnds
        queue = GenerationQueue(capacity: configuration.concurrentGenerations)
        throttle = LoginThrottle()
        hasher = PasswordHasher(rounds: configuration.passwordRounds)
        let registry = registry
        let startedAt = startedAt
        mssp = { port in
            configuration.listing.variables(players: registry.readersOnline, started: startedAt, port: port,
                                            telnet: configuration.telnet)
        }
    }

}
