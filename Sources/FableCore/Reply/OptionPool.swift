/// The usable options of every answer a step got for one passage, in the order they came. A
/// small model's repair often mends one option and breaks another; three good ones written
/// across the answers are as good as three in one, so a repair succeeds once there are three.
public struct OptionPool: Sendable, Equatable {
    public private(set) var options: [String] = []

    public init() {}

    /// Adds those of `usable` not yet held (compared case-blind, as the validator's
    /// distinctness is).
    public mutating func add(_ usable: [String]) {
        for option in usable where !options.contains(where: { $0.lowercased() == option.lowercased() }) {
            options.append(option)
        }
    }

    /// The first three, once there are three.
    public var three: [String]? { options.count >= 3 ? Array(options.prefix(3)) : nil }
}
