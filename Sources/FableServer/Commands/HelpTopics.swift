/// The words of `help` and `help TOPIC`.
public enum HelpTopics {
    public static let overview = """
        Play: type 1, 2 or 3 to choose an option, or write what happens next in your own words.
          continue         the story moves on without an instruction
          edit N TEXT      change option N before choosing it
          retry            a new version of the last passage (the old one is kept)
          undo / redo      step back / forward again
          branches, goto N every version you have written, and jumping to one
          auto N           let the storyteller choose N times (stop to interrupt)
          stop             cancel the passage being written; the story stays as it was
        Remember: memory, memory edit TEXT, pin FACT, unpin N, recall WORDS, recap, read [N], export
        Worlds: worlds, new STORY, play N, stories
        You: settings, who, help TOPIC, quit
        Lines typed while a passage is written wait their turn and run after it.
        """

    public static let topics: [String: String] = [
        "edit": "edit N TEXT: replace option N with your own words and choose it, e.g. `edit 2 climb the stairs slowly`.",
        "retry": "retry: write the last passage again, from the same instruction. The old version stays in `branches`.",
        "undo": "undo: go back one step. `redo` returns. Nothing is deleted.",
        "redo": "redo: return to the step you left with `undo`.",
        "branches": "branches: the end of every branch of this world, numbered. `goto N` jumps there.",
        "goto": "goto N: move to branch N from `branches`.",
        "continue": "continue: the storyteller goes on without an instruction from you.",
        "auto": "auto N: the storyteller picks among its own options N times (at most 20). `stop` interrupts.",
        "stop": "stop: cancel the passage being written. Nothing is saved; the story is as it was.",
        "memory": "memory: what the storyteller keeps in mind right now, what changed at the last step, and the pinned facts. `memory edit TEXT` replaces it (undo takes it back).",
        "pin": "pin FACT: keep a fact in every prompt from now on, whatever the memory forgets. `unpin N` lets it go. Both can be undone.",
        "unpin": "unpin N: stop keeping pin N (see `memory`).",
        "admin": """
            Admins only (every use is logged):
              @who                 readers, their address, idle time and what they are doing
              @stats               readers, steps being written, what the latest steps took
              @inspect READER      what the storyteller knows about the reader's world
              @snoop READER        watch the reader's screen live; `@snoop` alone stops
              @boot READER         disconnect a reader
              @broadcast TEXT      a message to everyone
              @reload              check the story files again
              @shutdown [SECONDS]  shut the server down gracefully
            """,
        "recall": "recall WORDS: search every earlier passage of this branch, by its words and by meaning, and show the sentence that matched, e.g. `recall who took the red key`.",
        "recap": "recap: the story so far in one line per step, the latest steps last.",
        "read": "read [N]: the passages from step N on (or the latest ones), a page at a time. Enter shows more, q stops.",
        "history": "history: the same as `read`.",
        "export": "export: the story so far as Markdown, to copy from your terminal.",
        "worlds": "worlds: your worlds, numbered. `play N` resumes one.",
        "new": "new STORY: start a new world from a story (see `stories`).",
        "play": "play N: resume world N from `worlds`.",
        "stories": "stories: the stories you can start with `new STORY`.",
        "settings": """
            settings: show them. Change with:
              settings width N|auto          wrap at N columns (40-200) or your window's width
              settings pager N|off           lines per page for `read`
              settings screenreader on|off   plain output
              settings length short|medium|long|default   passage length
              settings tone TEXT|none        e.g. `settings tone wry and warm`
              settings avoid TEXT|none       things you do not want in your story
            """,
        "who": "who: the readers connected now.",
        "quit": "quit: leave. Your world is saved at its last step; log in again to go on.",
        "help": "help TOPIC: more about one command, e.g. `help retry`.",
    ]

    /// The text for `help TOPIC`, or a suggestion when the topic is unknown.
    public static func text(for topic: String) -> String {
        if let text = topics[topic] { return text }
        let near = NearMiss.suggestions(for: topic, among: Array(topics.keys).sorted())
        if near.isEmpty { return "There is no help on `\(topic)`. Type `help` for the list of commands." }
        return "There is no help on `\(topic)`. Did you mean " + near.map { "`help \($0)`" }.joined(separator: " or ") + "?"
    }
}
