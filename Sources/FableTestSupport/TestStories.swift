/// Story files the socket and load tests play, written into a stories folder as `NAME.md`.
public enum TestStories {
    /// `marsh`: one paragraph of premise, adventure mode, no questions.
    public static let marsh = """
        ---
        title: The Marsh Bell
        genre: fantasy
        mode: adventure
        language: en
        ---
        A bell is lost somewhere in the marsh kingdom, and winter is coming.
        """
}
