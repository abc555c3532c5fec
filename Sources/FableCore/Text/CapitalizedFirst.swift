extension StringProtocol {
    /// The text with its first letter a capital: an error's lower-case description as a sentence.
    public var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
