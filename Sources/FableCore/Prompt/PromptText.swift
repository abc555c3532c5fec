/// Every word Fable says to the model, in one place. `docs/prompts.md` explains why
/// each part is there. Placeholders are `{name}`, filled by `PromptBuilder`.
public enum PromptText {
    public static let role = """
        You are the storyteller of a long interactive story. Each turn you write the next \
        passage and keep your own notes: a short-term memory that you rewrite every turn, \
        and one line that indexes the passage for later search.
        Story: {title}. Genre: {genre}. Style: {style}. Write every field in {language}.
        {rating}
        """

    /// What each `ContentRating` allows, for the role's last line.
    public static func rating(_ rating: ContentRating) -> String {
        switch rating {
        case .everyone:
            return "Keep it suitable for readers of all ages: no graphic violence, no sexual content, no strong language."
        case .teen:
            return "Keep it suitable for teenage readers: danger and violence without gore, romance without explicit sex, mild language."
        case .mature:
            return "The readers are adults: dark themes, violence and strong language may appear when the story needs them, but nothing sexually explicit."
        }
    }

    public static let adventure = """
        The reader is the hero. Write in the second person (you), present tense. Each passage \
        is about {words} words and ends at a moment where the reader must decide. The \
        options are three different actions the reader could take next.
        """

    public static let novel = """
        You are co-writing a novel with its author. Write third-person prose, about {words} \
        words a passage, with scenes, dialogue and detail. The options are three different \
        plans for what happens next, which the author may pick, edit or replace.
        """

    /// The output contract: never trimmed from a prompt. Field names go unquoted: a small
    /// model under a JSON grammar that copies a double quote into a value ends the string there.
    public static let contract = """
        Reply with one JSON object and nothing else. Its fields, in this order:
        {outlineField}- passage: the next passage of the story, following the instruction.
        - memory_change: one sentence: what you dropped from the memory and what you added.
        - memory: the new short-term memory: what the story needs to remember from here on \
        (people, places, goals, open threads), at most {memoryCap} words.
        - index_line: one sentence saying what happens in this passage.
        - options: exactly 3 different next moves, one sentence each.
        """

    public static let outlineField = """
        - outline: the plan of the whole story in at most {outlineCap} words: the main \
        characters, the central conflict, and how it could unfold.

        """

    public static let sectionPremise = "# Premise"
    public static let sectionCanon = "# Canon: facts that always hold in this story"
    public static let sectionLore = "# Lore that matters now"
    public static let sectionOutline = "# Outline"
    public static let sectionMemory = "# Short-term memory"
    public static let sectionRetrieved = "# Earlier passages that may matter"
    public static let sectionLastPassage = "# The last passage"
    public static let sectionWishes = "# The reader's wishes"
    public static let sectionInstruction = "# What happens next"

    /// Lines of the wishes section, one for each preference the reader set.
    public static let wishLength = "Passage length: {length}, about {words} words each."
    public static let wishTone = "Tone: {tone}."
    public static let wishAvoid = "Leave out entirely, whatever happens: {avoid}."

    /// Words a passage, by mode and the reader's wished length; nil is the mode's usual.
    public static func passageWords(_ mode: StoryMode, _ length: ReaderPreferences.PassageLength?) -> String {
        switch (mode, length ?? .medium) {
        case (.adventure, .short): return "60 to 120"
        case (.adventure, .medium): return "120 to 250"
        case (.adventure, .long): return "250 to 350"
        case (.novel, .short): return "150 to 300"
        case (.novel, .medium): return "300 to 500"
        case (.novel, .long): return "500 to 700"
        }
    }

    public static let openingInstruction = """
        Begin the story: write the outline, the first passage, the first memory and three options.
        """
    public static let proceedInstruction = "Continue the story as you see fit."
    public static let autoInstruction = """
        Choose whichever of these moves makes the best story, and write it:
        """
    public static let finalNudge = "Now reply with the JSON object."

    /// Appended when a reply was rejected, before the model tries again.
    public static let correction = """
        Your last reply could not be used: {problem}. Reply again with one JSON object that \
        follows the format exactly.
        """

    /// Sent after a reply whose passage is kept but some other field is not usable: the
    /// model writes only those fields again, for the passage it wrote. The passage alone, not
    /// the whole reply: a server's cache holds the prompt before it but not the reply (text
    /// written under a grammar tokenizes differently when read back), so every token of the
    /// follow-up is read anew.
    public static let repair = """
        You wrote this passage, and it stays as it is:
        {passage}

        These fields of your reply could not be used: {problems}. Reply with one JSON object \
        holding only {fields}, written for that passage.
        """

    public static var sectionHeadings: [String] {
        [sectionPremise, sectionCanon, sectionLore, sectionOutline, sectionMemory, sectionRetrieved,
         sectionLastPassage, sectionWishes, sectionInstruction]
    }

    /// Names for the `language` tags most stories use; others are passed as they are.
    public static func languageName(_ tag: String) -> String {
        let base = tag.split(separator: "-").first.map { $0.lowercased() } ?? tag
        return languageNames[base] ?? tag
    }

    /// Built once: a literal inside `languageName` would be built at every prompt.
    private static let languageNames = [
        "en": "English", "zh": "Chinese (简体中文)", "es": "Spanish", "fr": "French",
        "de": "German", "it": "Italian", "pt": "Portuguese", "ja": "Japanese", "ko": "Korean",
        "ru": "Russian", "nl": "Dutch", "pl": "Polish", "tr": "Turkish", "ar": "Arabic",
    ]
}
