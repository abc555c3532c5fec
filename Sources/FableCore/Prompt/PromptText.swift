/// Every word Fable says to the model, in one place. `docs/prompts.md` explains why
/// each part is there. Placeholders are `{name}`, filled by `PromptBuilder`.
public enum PromptText {
    public static let role = """
        You are the storyteller of a long interactive story. Each turn you write the next \
        passage and keep your own notes: a short-term memory that you rewrite every turn, \
        and one line that indexes the passage for later search.
        Story: {title}. Genre: {genre}. Style: {style}. Write every field in {language}.
        """

    public static let adventure = """
        The reader is the hero. Write in the second person (you), present tense. Each passage \
        is about 120 to 250 words and ends at a moment where the reader must decide. The \
        options are three different actions the reader could take next.
        """

    public static let novel = """
        You are co-writing a novel with its author. Write third-person prose, about 300 to 500 \
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
    public static let sectionOutline = "# Outline"
    public static let sectionMemory = "# Short-term memory"
    public static let sectionRetrieved = "# Earlier passages that may matter"
    public static let sectionLastPassage = "# The last passage"
    public static let sectionInstruction = "# What happens next"

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

    /// Names for the `language` tags most stories use; others are passed as they are.
    public static func languageName(_ tag: String) -> String {
        let names = [
            "en": "English", "zh": "Chinese (简体中文)", "es": "Spanish", "fr": "French",
            "de": "German", "it": "Italian", "pt": "Portuguese", "ja": "Japanese", "ko": "Korean",
            "ru": "Russian", "nl": "Dutch", "pl": "Polish", "tr": "Turkish", "ar": "Arabic",
        ]
        let base = tag.split(separator: "-").first.map { $0.lowercased() } ?? tag
        return names[base] ?? tag
    }
}
