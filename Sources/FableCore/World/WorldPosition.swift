/// Where a world stands: everything a step reads before it retrieves and builds its prompt.
/// A store gives it in one read (`StoryStore.position(worldID:)`), so the parts agree.
public struct WorldPosition: Sendable, Equatable {
    public var world: World
    /// The step at the world's head; nil until the opening step is committed.
    public var head: Step?
    /// The opening step of the head's branch (it holds the outline); nil without a head.
    public var opening: Step?
    /// Where long-term search starts for the step after the head: the parent of the head's
    /// nearest ancestor-or-self that is a story step (revisions repeat their parent's
    /// passage, which is already in the prompt). nil when there is nothing above it.
    public var searchStart: Int64?

    public init(world: World, head: Step?, opening: Step?, searchStart: Int64?) {
        self.world = world
        self.head = head
        self.opening = opening
        self.searchStart = searchStart
    }
}
