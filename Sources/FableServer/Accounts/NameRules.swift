/// What a reader's name may be: short, readable, and never a command word.
public enum NameRules {
    public static let lengths = 2...20
    static let reserved: Set<String> = [
        "admin", "administrator", "root", "system", "fable", "storyteller", "server",
        "new", "create", "connect", "quit", "help", "who", "guest", "everyone", "all",
    ]

    /// nil when the name is fine, else what is wrong with it, in words for the reader.
    public static func problem(with name: String) -> String? {
        guard lengths.contains(name.count) else {
            return "a name has \(lengths.lowerBound) to \(lengths.upperBound) characters"
        }
        guard let first = name.unicodeScalars.first, first.properties.isAlphabetic else {
            return "a name starts with a letter"
        }
        for scalar in name.unicodeScalars where !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                                                   || scalar == "_" || scalar == "-") {
            return "a name has letters, digits, - and _ only (no spaces)"
        }
        if reserved.contains(name.lowercased()) { return "\(name) is reserved; choose another name" }
        return nil
    }

    public static let passwordLengths = 6...128

    public static func problem(withPassword password: String) -> String? {
        guard passwordLengths.contains(password.count) else {
            return "a password has \(passwordLengths.lowerBound) to \(passwordLengths.upperBound) characters"
        }
        return nil
    }
}
