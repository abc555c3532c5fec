import FableCore
import Foundation
import Yams

/// Reads a story file's text into a `StoryFile`, collecting every problem with its line,
/// each one saying what to write instead.
struct StoryParser {
    let file: String
    let id: String
    private(set) var problems: [StoryProblem] = []
    private var lines: [String] = []
    /// The file line (1-based) of each front-matter line as YAML counts them (`Mark.line` − 1).
    private var fileLineOfYAMLLine: [Int] = []
    /// Texts that may hold placeholders, with the file line each starts on.
    private var fillable: [(text: String, line: Int)] = []
    /// Front-matter fields present, even with a bad value.
    private var fieldsSeen = Set<String>()

    static let fields = ["title", "genre", "mode", "language", "style", "rating", "questions", "canon", "lore"]
    static let questionFields = ["name", "prompt", "default", "choices"]
    static let loreFields = ["keys", "text"]

    /// Limits that keep the always-present parts of a prompt small (words; a CJK character is a word).
    static let titleCharacterCap = 100
    static let bodyWordCap = 1000
    static let canonWordCap = 300
    static let loreEntryWordCap = 150
    static let questionCap = 10

    init(file: String, id: String) {
        self.file = file
        self.id = id
    }

    /// The story, or nil when `problems` is not empty.
    mutating func parse(_ text: String) -> StoryFile? {
        let story = readFile(text)
        // In line order; problems on one line keep the order they were found in. (On every path:
        // two keys set twice, say, are found in no particular order.)
        problems = problems.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(\.element)
        return problems.isEmpty ? story : nil
    }

    private mutating func readFile(_ text: String) -> StoryFile? {
        checkID()
        let front: FrontMatter
        switch FrontMatter.split(text) {
        case .failure(let failure):
            problem(1, failure.message)
            return nil
        case .success(let split):
            front = split
        }
        lines = front.lines
        fileLineOfYAMLLine = Self.fileLines(ofYAMLIn: front)
        let root: Node?
        do {
            root = try Yams.compose(yaml: front.yaml)
        } catch let error as YamlError {
            yamlProblem(error)
            return nil
        } catch {
            problem(1, "the front matter cannot be read: \(error)")
            return nil
        }
        var story = StoryFile(id: id, title: "", body: "")
        if let root {
            read(root, into: &story)
        }
        if !fieldsSeen.contains("title") {
            problem(1, "add a title to the front matter, e.g. `title: The Last Keeper of Gull Rock`")
        }
        readBody(front, into: &story)
        checkPlaceholders(story)
        return story
    }

    // MARK: - Problems

    private mutating func problem(_ line: Int, _ message: String) {
        problems.append(StoryProblem(file: file, line: line, message: message))
    }

    private mutating func checkID() {
        let allowed = id.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
        if id.isEmpty || !allowed || id.hasPrefix("-") || id.hasPrefix("_") {
            let suggestion = id.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? String($0) : "-" }.joined()
            problem(0, "the file name is the story's id: use letters, digits, - and _ only, e.g. \(suggestion.isEmpty ? "my-story" : suggestion).md")
        }
    }

    private mutating func yamlProblem(_ error: YamlError) {
        switch error {
        case .scanner(_, let detail, let mark, _), .parser(_, let detail, let mark, _), .composer(_, let detail, let mark, _):
            let hint: String
            let at = fileLine(ofYAMLLine: mark.line)
            let text = lines.indices.contains(at - 1) ? lines[at - 1] : ""
            if text.contains("${") && text.contains("[") {
                hint = "inside a [ ] list, put a placeholder in quotes, e.g. keys: ['${hero}', lamp]"
            } else if detail.contains("mapping values are not allowed") {
                hint = "put text that contains a colon and a space in quotes, e.g. title: 'The Keep: Part Two'"
            } else if detail.contains("tab") {
                hint = "indent with spaces, not tabs"
            } else {
                hint = "check the indentation (spaces, not tabs; the fields of one list item line up), "
                    + "and put text that starts with a symbol such as [ { * & ! | > % @ or a quote in quotes"
            }
            problem(at, "the front matter is not valid YAML (\(detail)): \(hint)")
        case .duplicatedKeysInMapping(let duplicates, _):
            for key in duplicates {
                let found = lines.indices.filter { index in
                    let line = lines[index].trimmingCharacters(in: .whitespaces)
                    return line.hasPrefix("\(key):") || line.hasPrefix("- \(key):")
                }
                let second = found.dropFirst().first.map { $0 + 1 } ?? 1
                problem(second, "`\(key)` is set twice (lines \(found.map { "\($0 + 1)" }.joined(separator: " and "))): keep one")
            }
        default:
            problem(1, "the front matter is not valid YAML (\(error))")
        }
    }

    /// What to write instead of an unknown field name.
    static func unknown(_ key: String, allowed: [String], in place: String) -> String {
        let list = allowed.joined(separator: ", ")
        let lowered = key.lowercased()
        if let near = allowed.min(by: { distance(lowered, $0) < distance(lowered, $1) }), distance(lowered, near) <= 2 {
            return "unknown field `\(key)` \(place): did you mean `\(near)`? (fields: \(list))"
        }
        return "unknown field `\(key)` \(place): remove it, or use one of: \(list)"
    }

    /// Edit distance, for "did you mean".
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var row = Array(0...b.count)
        for i in 1...a.count {
            var previous = row[0]
            row[0] = i
            for j in 1...b.count {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }

    // MARK: - Front matter

    /// The file line of a node (the front matter starts on line 2).
    private func line(_ node: Node) -> Int { node.mark.map { fileLine(ofYAMLLine: $0.line) } ?? 1 }

    /// YAML also ends a line at a lone CR, NEL, LS and PS, which stay inside a line of the file
    /// (cut at LF only): without this map, a problem after one is reported lines too far.
    static func fileLines(ofYAMLIn front: FrontMatter) -> [Int] {
        var map: [Int] = []
        for index in 1..<front.closingIndex {
            let breaks = front.lines[index].unicodeScalars.filter { ["\r", "\u{85}", "\u{2028}", "\u{2029}"].contains($0) }.count
            map += repeatElement(index + 1, count: breaks + 1)
        }
        // Past the last line (an error at the end of the front matter): the closing `---`.
        map.append(front.closingIndex + 1)
        return map
    }

    /// The file line of a YAML line (1-based, as in `Mark`).
    private func fileLine(ofYAMLLine yamlLine: Int) -> Int {
        fileLineOfYAMLLine.isEmpty ? yamlLine + 1 : fileLineOfYAMLLine[min(max(yamlLine, 1), fileLineOfYAMLLine.count) - 1]
    }

    private mutating func read(_ root: Node, into story: inout StoryFile) {
        guard case .mapping(let mapping) = root else {
            problem(line(root), "the front matter is a list of `field: value` lines, e.g. `title: The Keep`")
            return
        }
        for (keyNode, value) in mapping {
            let at = line(keyNode)
            guard let key = keyNode.scalar?.string else {
                problem(at, "a field is a name, a colon and a value, e.g. `title: The Keep`")
                continue
            }
            fieldsSeen.insert(key)
            switch key {
            case "title":
                story.title = text(value, key, example: "title: The Last Keeper of Gull Rock", at: at) ?? ""
                if story.title.count > Self.titleCharacterCap {
                    problem(at, "the title has \(story.title.count) characters: shorten it to at most \(Self.titleCharacterCap)")
                }
                fillable.append((story.title, at))
            case "genre":
                story.genre = text(value, key, example: "genre: mystery", at: at) ?? ""
                fillable.append((story.genre, at))
            case "style":
                story.style = text(value, key, example: "style: quiet, salt-worn, close to the senses", at: at) ?? ""
                fillable.append((story.style, at))
            case "mode":
                guard let written = text(value, key, example: "mode: adventure", at: at) else { continue }
                if let mode = StoryMode(rawValue: written.lowercased()) {
                    story.mode = mode
                } else {
                    problem(at, "`mode` is adventure (the reader is the hero) or novel (the reader steers an author), not `\(written)`")
                }
            case "rating":
                guard let written = text(value, key, example: "rating: teen", at: at) else { continue }
                if let rating = ContentRating(rawValue: written.lowercased()) {
                    story.rating = rating
                } else {
                    let all = ContentRating.allCases.map(\.rawValue).joined(separator: ", ")
                    problem(at, "`rating` is one of \(all), not `\(written)`")
                }
            case "language":
                guard let written = text(value, key, example: "language: en", at: at) else { continue }
                if let problem = Self.languageProblem(written) {
                    self.problem(at, problem)
                } else {
                    story.language = written
                }
            case "questions":
                story.questions = questions(value)
            case "canon":
                story.canon = canon(value)
            case "lore":
                story.lore = lore(value)
            default:
                problem(at, Self.unknown(key, allowed: Self.fields, in: "in the front matter"))
            }
        }
    }

    /// A one-line text value; nil (with a problem) when empty or not text.
    private mutating func text(_ node: Node, _ field: String, example: String, at keyLine: Int? = nil) -> String? {
        // An empty value has no place of its own: report the line of its field.
        let line = keyLine ?? line(node)
        switch node {
        case .scalar(let scalar):
            let value = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
            if node.null != nil || value.isEmpty {
                problem(line, "`\(field)` is empty: write a value or remove the line, e.g. `\(example)`")
                return nil
            }
            return value
        case .mapping, .sequence:
            problem(line, "`\(field)` is text, not a list or a group of fields: write e.g. `\(example)`")
            return nil
        case .alias:
            problem(line, "`\(field)`: YAML aliases (*name) are not supported; write the value out")
            return nil
        }
    }

    /// A list of one-line texts.
    private mutating func list(_ node: Node, _ field: String, example: String) -> [(String, Int)]? {
        guard case .sequence(let sequence) = node else {
            problem(line(node), "`\(field)` is a list: write `\(example)`, or one item a line, each starting with `- `")
            return nil
        }
        var items: [(String, Int)] = []
        for item in sequence {
            guard case .scalar(let scalar) = item else {
                problem(line(item), "each item of `\(field)` is one line of text: put an item that contains a colon and a space in quotes, "
                    + "e.g. - 'Rule one: keep the light burning.'")
                continue
            }
            let value = scalar.string.trimmingCharacters(in: .whitespacesAndNewlines)
            if item.null != nil || value.isEmpty {
                problem(line(item), "an item of `\(field)` is empty: write it after the `- `, or remove the line")
            } else {
                items.append((value, line(item)))
            }
        }
        return items
    }

    static func languageProblem(_ tag: String) -> String? {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        let first = parts.first.map(String.init) ?? ""
        let wellFormed = (2...3).contains(first.count) && first.allSatisfy { $0.isASCII && $0.isLetter }
            && parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
        if wellFormed { return nil }
        let names = ["english": "en", "chinese": "zh", "mandarin": "zh", "中文": "zh", "spanish": "es", "español": "es",
                     "french": "fr", "français": "fr", "german": "de", "deutsch": "de", "italian": "it", "portuguese": "pt",
                     "japanese": "ja", "korean": "ko", "russian": "ru", "dutch": "nl", "polish": "pl", "turkish": "tr", "arabic": "ar"]
        if let known = names[tag.lowercased()] {
            return "`language` is a language tag: write `language: \(known)`, not `\(tag)`"
        }
        return "`language` is a BCP 47 language tag such as en, zh, es or pt-BR, not `\(tag)`"
    }

    private mutating func questions(_ node: Node) -> [StoryQuestion] {
        guard case .sequence(let sequence) = node else {
            problem(line(node), "`questions` is a list: each question starts on its own line with `- name:`, then `prompt:`")
            return []
        }
        if sequence.count > Self.questionCap {
            problem(line(node), "there are \(sequence.count) questions: ask at most \(Self.questionCap)")
        }
        var result: [StoryQuestion] = []
        var names: [String: Int] = [:]
        for item in sequence {
            let at = line(item)
            guard case .mapping(let mapping) = item else {
                problem(at, "each question is a group of fields: `- name: hero` and, lined up under it, `prompt: What is your name?`")
                continue
            }
            var question = StoryQuestion(name: "", prompt: "")
            var defaultLine = at
            for (keyNode, value) in mapping {
                let key = keyNode.scalar?.string ?? ""
                switch key {
                case "name":
                    guard let name = text(value, "name", example: "name: hero", at: line(keyNode)) else { continue }
                    if !Placeholders.isName(name) {
                        problem(line(value), "a question's name is one word of letters, digits and _, used as ${name}: "
                            + "write e.g. `name: hero_name`, not `\(name)`")
                    } else if let earlier = names[name] {
                        problem(line(value), "the question name `\(name)` is already used on line \(earlier): choose another")
                    } else {
                        names[name] = line(value)
                    }
                    question.name = name
                case "prompt":
                    question.prompt = text(value, "prompt", example: "prompt: What is your name?", at: line(keyNode)) ?? ""
                case "default":
                    question.defaultAnswer = text(value, "default", example: "default: Mara", at: line(keyNode))
                    defaultLine = line(value)
                case "choices":
                    let choices = list(value, "choices", example: "choices: [winter, spring]") ?? []
                    if choices.isEmpty, case .sequence = value {
                        problem(line(value), "`choices` is empty: list two or more, or remove the line to allow any answer")
                    }
                    question.choices = choices.map(\.0)
                default:
                    problem(line(keyNode), Self.unknown(key, allowed: Self.questionFields, in: "in a question"))
                }
            }
            if question.name.isEmpty && !mapping.keys.contains(where: { $0.scalar?.string == "name" }) {
                problem(at, "add a `name:` to this question (one word, used as ${name} in the story), e.g. `- name: hero`")
            }
            if question.prompt.isEmpty && !mapping.keys.contains(where: { $0.scalar?.string == "prompt" }) {
                problem(at, "add a `prompt:` to this question: what the reader is asked, e.g. `prompt: What is your name?`")
            }
            if let answer = question.defaultAnswer, !question.choices.isEmpty,
               !question.choices.contains(where: { $0.caseInsensitiveCompare(answer) == .orderedSame }) {
                problem(defaultLine, "the default `\(answer)` is not one of the choices: add it to `choices`, or pick one of: "
                    + question.choices.joined(separator: ", "))
            }
            result.append(question)
        }
        return result
    }

    private mutating func canon(_ node: Node) -> [String] {
        guard let facts = list(node, "canon", example: "canon: [Elsbeth Marr kept the light for forty years]") else { return [] }
        for (fact, at) in facts { fillable.append((fact, at)) }
        let words = facts.reduce(0) { $0 + TextMeasure.words($1.0) }
        if words > Self.canonWordCap {
            problem(line(node), "the canon has \(words) words and is in every prompt: keep it under \(Self.canonWordCap), "
                + "and move what matters only sometimes into `lore`")
        }
        return facts.map(\.0)
    }

    private mutating func lore(_ node: Node) -> [LoreEntry] {
        guard case .sequence(let sequence) = node else {
            problem(line(node), "`lore` is a list: each entry starts on its own line with `- keys: [word, other word]`, then `text:`")
            return []
        }
        var entries: [LoreEntry] = []
        for item in sequence {
            let at = line(item)
            guard case .mapping(let mapping) = item else {
                problem(at, "each lore entry is a group of fields: `- keys: [lamp, lens]` and, lined up under it, `text: …`")
                continue
            }
            var entry = LoreEntry(keys: [], text: "")
            var hasKeys = false
            for (keyNode, value) in mapping {
                let key = keyNode.scalar?.string ?? ""
                switch key {
                case "keys":
                    hasKeys = true
                    guard let keys = list(value, "keys", example: "keys: [lamp, lens, /lights?/]") else { continue }
                    if keys.isEmpty {
                        problem(line(value), "`keys` is empty: list the words that bring this entry into the story, e.g. `keys: [lamp, lens]`")
                    }
                    for (written, keyLine) in keys {
                        fillable.append((written, keyLine))
                        // A placeholder stands for an answer; check the key with a stand-in.
                        let sample = Placeholders.fill(written) { _ in "x" }
                        if let issue = LoreKey(sample).problem {
                            problem(keyLine, "\(issue): write words to match, or a regular expression between slashes, e.g. /ghosts?/")
                        }
                    }
                    entry.keys = keys.map(\.0)
                case "text":
                    entry.text = text(value, "text", example: "text: The lamp burns seal oil.", at: line(keyNode)) ?? ""
                    fillable.append((entry.text, line(value)))
                    let words = TextMeasure.words(entry.text)
                    if words > Self.loreEntryWordCap {
                        problem(line(value), "this lore text has \(words) words: keep it under \(Self.loreEntryWordCap), or split it into entries with their own keys")
                    }
                default:
                    problem(line(keyNode), Self.unknown(key, allowed: Self.loreFields, in: "in a lore entry"))
                }
            }
            if !hasKeys {
                problem(at, "this lore entry has no keys, so it would never enter the story: add e.g. `keys: [lamp, lens]` (or put the fact in `canon`)")
            }
            if !mapping.keys.contains(where: { $0.scalar?.string == "text" }) {
                problem(at, "add a `text:` to this lore entry: what the storyteller should know when a key appears")
            }
            entries.append(entry)
        }
        return entries
    }

    // MARK: - Body and placeholders

    private mutating func readBody(_ front: FrontMatter, into story: inout StoryFile) {
        let body = front.bodyLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if body.isEmpty {
            problem(min(front.bodyFirstLine, front.lines.count), "write the premise below the front matter: "
                + "a few paragraphs in Markdown that set the scene, the hero and what is at stake")
            return
        }
        story.body = body
        let words = TextMeasure.words(body)
        if words > Self.bodyWordCap {
            problem(front.bodyFirstLine, "the premise has \(words) words: keep it under \(Self.bodyWordCap) "
                + "(it is in every prompt); move details that matter only sometimes into `lore`")
        }
        for (offset, text) in front.bodyLines.enumerated() {
            fillable.append((text, front.bodyFirstLine + offset))
        }
    }

    private mutating func checkPlaceholders(_ story: StoryFile) {
        let names = Set(story.questions.map(\.name).filter(Placeholders.isName))
        var used = Set<String>()
        for (text, start) in fillable {
            for found in Placeholders.scan(text) {
                let at = lineContaining(found.token, from: start)
                if let issue = found.problem {
                    problem(at, issue)
                } else if names.contains(found.name) {
                    used.insert(found.name)
                } else if names.isEmpty {
                    problem(at, "`\(found.token)` is not a question: add a question with `name: \(found.name)` under `questions:` (write $${ for a literal ${)")
                } else {
                    // Ties go to the first name in order: a Set's order changes from run to run.
                    let near = names.min { (Self.distance(found.name, $0), $0) < (Self.distance(found.name, $1), $1) }
                    let hint = near.flatMap { Self.distance(found.name, $0) <= 2 ? "did you mean ${\($0)}? " : nil } ?? ""
                    problem(at, "`\(found.token)` is not a question: \(hint)the questions are "
                        + names.sorted().map { "${\($0)}" }.joined(separator: ", ") + ", or add one with `name: \(found.name)`")
                }
            }
        }
        for question in story.questions where !question.name.isEmpty && !used.contains(question.name) && names.contains(question.name) {
            let at = lineContaining("name: \(question.name)", from: 1)
            problem(at, "the question `\(question.name)` is never used: write ${\(question.name)} in the premise, canon or lore, or remove the question")
        }
    }

    /// The first file line at or after `start` that contains `token`; `start` if none does.
    private func lineContaining(_ token: String, from start: Int) -> Int {
        let from = max(0, start - 1)
        guard from < lines.count else { return start }
        return lines[from...].firstIndex { $0.contains(token) }.map { $0 + 1 } ?? start
    }
}
