/// A field of the reply contract (SPEC §1 step 4), by the name the model writes.
public enum ReplyField: String, Sendable, Codable, CaseIterable, Comparable {
    case outline, passage
    case memoryChange = "memory_change"
    case memory
    case indexLine = "index_line"
    case options

    /// Contract order: the order the schema asks for them in.
    public static func < (lhs: ReplyField, rhs: ReplyField) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }

    /// The fields a reply must have.
    public static func required(opening: Bool) -> [ReplyField] {
        opening ? allCases : allCases.filter { $0 != .outline }
    }
}
