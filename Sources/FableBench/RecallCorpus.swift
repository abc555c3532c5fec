/// The material of the recall benchmark in one language: facts planted once in a long story,
/// each asked for later in other words, and a grammar of ordinary story prose to bury them in.
public struct RecallCorpus: Sendable {
    public struct Fact: Sendable {
        /// One sentence of the story that establishes something durable.
        public var fact: String
        /// The same thing asked in other words: shares no content word (nor, in CJK text, any
        /// two-character run) with `fact`.
        public var paraphrase: String
        /// The control: the fact asked with its own key words.
        public var lexical: String

        public init(fact: String, paraphrase: String, lexical: String) {
            self.fact = fact
            self.paraphrase = paraphrase
            self.lexical = lexical
        }
    }

    /// Story prose: a sentence is a template with its slots filled from the lists.
    /// Slots: `{person}`, `{place}`, `{thing}`, `{time}`, `{weather}`, `{feeling}`.
    public struct Grammar: Sendable {
        public var templates: [String]
        public var people: [String]
        public var places: [String]
        public var things: [String]
        public var times: [String]
        public var weather: [String]
        public var feelings: [String]

        public init(templates: [String], people: [String], places: [String], things: [String], times: [String],
                    weather: [String], feelings: [String]) {
            self.templates = templates
            self.people = people
            self.places = places
            self.things = things
            self.times = times
            self.weather = weather
            self.feelings = feelings
        }
    }

    /// BCP 47 code, as story files name languages ("en", "zh", "fr").
    public var language: String
    public var title: String
    public var premise: String
    public var facts: [Fact]
    public var grammar: Grammar
    /// Ordinary next moves, offered beside a question when the model chooses unattended.
    public var options: [String]
    /// A sentence of the rolling memory, to stand for the short-term memory in queries.
    public var memory: String
    /// Words of the language too common to count as shared content (checked lower-cased).
    public var functionWords: Set<String>

    public init(language: String, title: String, premise: String, facts: [Fact], grammar: Grammar,
                options: [String], memory: String, functionWords: Set<String>) {
        self.language = language
        self.title = title
        self.premise = premise
        self.facts = facts
        self.grammar = grammar
        self.options = options
        self.memory = memory
        self.functionWords = functionWords
    }
}
