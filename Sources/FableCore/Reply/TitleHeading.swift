/// A small model often opens its passage with the story's title as a heading ("The Last Keeper
/// of Gull Rock - I, Tam Rowe, the keeper…"), and a rewrite asked of it opens the same way
/// again. Such a heading is dropped and the prose after it kept. A title standing as a sentence
/// of its own ("The Last Keeper of Gull Rock. Genre: …"), or a heading that goes on as headings
/// ("…: A Hero's Journey – [L] …"), opens talk about the story instead, and stops the passage.
public enum TitleHeading {
    /// What may follow a title that stands as a heading.
    static let marks: Set<Character> = [":", "-", "–", "—", "|"]
    /// What in the first characters after a dropped heading shows more heading, not prose.
    static let moreHeading = ["|", "[", "]", ":", " – ", " — ", " - "]
    /// How many characters after a dropped heading are looked at for more of it.
    static let lookedAfter = 40

    public enum Opening: Equatable {
        /// The title and its mark, as many Unicode scalars, come before the prose.
        case heading(scalars: Int)
        /// The title opens talk about the story, not the story.
        case notTheStory
    }

    /// How `text` opens with the (case-blind) `title`, if it does as anything but prose that
    /// names it ("The Last Keeper of Gull Rock watches the sea." is prose). Nil with no title.
    public static func opening(of text: String, title: String) -> Opening? {
        guard let rest = afterTitle(text, title: title) else { return nil }
        let next = rest.drop(while: \.isWhitespace)
        if next.first == "." { return .notTheStory }
        guard let first = next.first, marks.contains(first) else { return nil }
        let prose = next.drop { marks.contains($0) || $0.isWhitespace }
        if moreHeading.contains(where: { prose.prefix(lookedAfter).contains($0) }) { return .notTheStory }
        return .heading(scalars: text.unicodeScalars.distance(from: text.startIndex, to: prose.startIndex))
    }

    /// `text` without the title heading it opens with, if it opens with one.
    public static func dropped(from text: String, title: String) -> String {
        guard case .heading(let scalars)? = opening(of: text, title: title) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.dropFirst(scalars)))
    }

    private static func afterTitle(_ text: String, title: String) -> Substring? {
        let title = title.trimmingWhitespace
        guard !title.isEmpty else { return nil }
        var rest = text.drop(while: \.isWhitespace)
        for character in title {
            guard let first = rest.first, first.lowercased() == character.lowercased() else { return nil }
            rest = rest.dropFirst()
        }
        return rest
    }
}
