import FableCore
import FableStories
import Testing

/// Every problem of a text, as `check` prints them.
func problems(_ text: String, id: String = "s") -> [String] {
    do {
        _ = try StoryFile.parse(text, id: id, file: "s.md")
        return []
    } catch let error as StoryFileError {
        return error.problems.map(\.description)
    } catch {
        return ["\(error)"]
    }
}

@Suite struct StoryProblemTests {
    @Test func fencesAndBody() {
        #expect(problems("title: T\nBody").first?.hasPrefix("s.md:1: start the file with a line of three dashes") == true)
        #expect(problems("---\ntitle: T\nBody").first?.hasPrefix("s.md:1: the front matter that starts here is never closed") == true)
        #expect(problems("---\ntitle: T\n---\n\n") == [
            "s.md:4: write the premise below the front matter: a few paragraphs in Markdown that set the scene, the hero and what is at stake",
        ])
        #expect(problems("---\ngenre: x\n---\nBody") == ["s.md:1: add a title to the front matter, e.g. `title: The Last Keeper of Gull Rock`"])
    }

    @Test func collectsEveryProblemWithItsLine() {
        let text = """
            ---
            title: The Keep
            mode: epic
            langauge: en
            rating: PG
            canon: The keep is old.
            questions:
              - name: hero name
                prompt: Who?
              - name: ship
                promt: Which ship?
            lore:
              - text: A lore entry without keys.
              - keys: [ok, /(unclosed/]
                text: Bad regex.
            ---
            ${hero} sails on ${ship} past ${nobody}.
            """
        let found = problems(text)
        #expect(found == [
            "s.md:3: `mode` is adventure (the reader is the hero) or novel (the reader steers an author), not `epic`",
            "s.md:4: unknown field `langauge` in the front matter: did you mean `language`? (fields: title, genre, mode, language, style, rating, questions, canon, lore)",
            "s.md:5: `rating` is one of everyone, teen, mature, not `PG`",
            "s.md:6: `canon` is a list: write `canon: [Elsbeth Marr kept the light for forty years]`, or one item a line, each starting with `- `",
            "s.md:8: a question's name is one word of letters, digits and _, used as ${name}: write e.g. `name: hero_name`, not `hero name`",
            "s.md:10: add a `prompt:` to this question: what the reader is asked, e.g. `prompt: What is your name?`",
            "s.md:11: unknown field `promt` in a question: did you mean `prompt`? (fields: name, prompt, default, choices)",
            "s.md:13: this lore entry has no keys, so it would never enter the story: add e.g. `keys: [lamp, lens]` (or put the fact in `canon`)",
            "s.md:14: `/(unclosed/` is not a valid regular expression: write words to match, or a regular expression between slashes, e.g. /ghosts?/",
            "s.md:17: `${hero}` is not a question: the questions are ${ship}, or add one with `name: hero`",
            "s.md:17: `${nobody}` is not a question: the questions are ${ship}, or add one with `name: nobody`",
        ], "\(found.joined(separator: "\n"))")
    }

    @Test func wrongTypesAndEmptyValues() {
        let text = """
            ---
            title: [A, B]
            genre:
            language: english
            questions: pick one
            lore:
              - keys: lamp
                text: The lamp.
            ---
            Body.
            """
        #expect(problems(text) == [
            "s.md:2: `title` is text, not a list or a group of fields: write e.g. `title: The Last Keeper of Gull Rock`",
            "s.md:3: `genre` is empty: write a value or remove the line, e.g. `genre: mystery`",
            "s.md:4: `language` is a language tag: write `language: en`, not `english`",
            "s.md:5: `questions` is a list: each question starts on its own line with `- name:`, then `prompt:`",
            "s.md:7: `keys` is a list: write `keys: [lamp, lens, /lights?/]`, or one item a line, each starting with `- `",
        ])
    }

    @Test func placeholderMistakes() {
        let text = """
            ---
            title: T
            questions:
              - name: hero
                prompt: Who?
                default: Ada
              - name: unused
                prompt: Never used?
              - name: season
                prompt: When?
                default: summer
                choices: [winter, spring]
            ---
            ${hero} and ${heor} and ${ bad } and ${season}.
            Unclosed ${hero
            """
        #expect(problems(text) == [
            "s.md:7: the question `unused` is never used: write ${unused} in the premise, canon or lore, or remove the question",
            "s.md:11: the default `summer` is not one of the choices: add it to `choices`, or pick one of: winter, spring",
            "s.md:14: `${heor}` is not a question: did you mean ${hero}? the questions are ${hero}, ${season}, ${unused}, or add one with `name: heor`",
            "s.md:14: `${ bad }` is not a placeholder name: use letters, digits and _ only, e.g. ${hero_name}",
            "s.md:15: close the placeholder with } on the same line, e.g. ${hero_name} (write $${ for a literal ${)",
        ])
    }

    @Test func yamlErrorsAndDuplicatesNameTheirLine() {
        let colon = problems("---\ntitle: The Keep: Part Two\n---\nBody")
        #expect(colon.count == 1 && colon[0].hasPrefix("s.md:2: the front matter is not valid YAML"))
        #expect(colon[0].contains("put text that contains a colon and a space in quotes"))
        let twice = problems("---\ntitle: A\ngenre: x\ntitle: B\n---\nBody")
        #expect(twice == ["s.md:4: `title` is set twice (lines 2 and 4): keep one"])
        let unclosed = problems("---\ntitle: T\nstyle: [unclosed\n---\nBody")
        #expect(unclosed.count == 1 && unclosed[0].hasPrefix("s.md:") && unclosed[0].contains("not valid YAML"))
    }

    @Test func theFileNameIsTheID() {
        #expect(problems("---\ntitle: T\n---\nBody", id: "My Story") == [
            "s.md: the file name is the story's id: use letters, digits, - and _ only, e.g. my-story.md",
        ])
    }

    @Test func limitsKeepThePromptSmall() {
        let long = Array(repeating: "word", count: 160).joined(separator: " ")
        let text = "---\ntitle: T\nlore:\n  - keys: [a]\n    text: \(long)\n---\nBody"
        #expect(problems(text) == [
            "s.md:5: this lore text has 160 words: keep it under 150, or split it into entries with their own keys",
        ])
    }
}

@Suite struct StoryYAMLHintTests {
    @Test func aPlaceholderInAFlowListNeedsQuotes() {
        let text = "---\ntitle: T\nquestions:\n  - name: hero\n    prompt: Who?\nlore:\n  - keys: [${hero}]\n    text: x\n---\nBody"
        let found = problems(text)
        #expect(found.count == 1 && found[0].hasPrefix("s.md:7: the front matter is not valid YAML"), "\(found)")
        #expect(found.first?.hasSuffix("inside a [ ] list, put a placeholder in quotes, e.g. keys: ['${hero}', lamp]") == true)
    }
}

@Suite struct StoryListItemTests {
    @Test func listItemsAreOneLineOfText() {
        let text = "---\ntitle: T\ncanon:\n  - Rule one: keep the light.\n  -\n  - Fine.\n---\nBody"
        #expect(problems(text) == [
            "s.md:4: each item of `canon` is one line of text: put an item that contains a colon and a space in quotes, e.g. - 'Rule one: keep the light burning.'",
            "s.md:5: an item of `canon` is empty: write it after the `- `, or remove the line",
        ])
    }
}
