public enum VectorError: Error, Sendable, Equatable, CustomStringConvertible {
    case unusable(String)

    public var description: String {
        switch self {
        case .unusable(let why): return why
        }
    }
}
