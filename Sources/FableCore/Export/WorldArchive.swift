import Foundation

/// One world as a self-contained JSON document: `fable export --format json` writes it,
/// `fable import` reads it back into any database (see `docs/admin.md`, "Backup, export and
/// import", for every field).
///
/// Steps are named by local ids (1, 2, 3… in the order they were written, parents before
/// children), never by database ids, so the same world always exports to the same bytes and an
/// import into another database gets fresh ids. Derived data is left out: the full-text index
/// is rebuilt by inserting the steps, and dense vectors are filled in again by the backfill.
public struct WorldArchive: Codable, Sendable, Equatable {
    public static let formatName = "fable-world"
    /// Raise it for any change an older reader of the format could misread.
    public static let currentVersion = 1

    /// Always `fable-world`.
    public var format: String
    /// The format's version; this build reads 1.
    public var version: Int
    /// The premise's title and story id, repeated for people reading the file; `premise` is what counts.
    public var title: String
    public var storyID: String
    /// The world's label where it was exported (e.g. `write:/path/story.md`); informative only.
    public var label: String
    /// The world's own copy of its premise, with the reader's answers filled in.
    public var premise: Premise
    /// The name of the account that played it; absent for worlds of `fable play` and `fable write`.
    public var owner: String?
    public var createdAt: Date
    /// Every step of the tree, parents before children.
    public var steps: [Step]
    /// The local id of the step the reader is at; absent only when there are no steps.
    public var head: Int?
    /// Local ids that `redo` returns to, most recent last.
    public var redoStack: [Int]

    /// One step of the tree.
    public struct Step: Codable, Sendable, Equatable {
        /// The step's local id: unique in the archive, 1-based.
        public var id: Int
        /// The parent's local id; absent for an opening.
        public var parent: Int?
        public var kind: StepKind
        /// 1 for an opening; a story step is one deeper than its parent, a revision as deep.
        public var depth: Int
        public var instruction: String
        public var content: StepContent
        public var telemetry: StepTelemetry
        public var createdAt: Date
        /// The exact prompt and reply, for steps the model wrote since traces were kept.
        public var trace: StepTrace?

        public init(id: Int, parent: Int?, kind: StepKind, depth: Int, instruction: String, content: StepContent,
                    telemetry: StepTelemetry, createdAt: Date, trace: StepTrace?) {
            self.id = id
            self.parent = parent
            self.kind = kind
            self.depth = depth
            self.instruction = instruction
            self.content = content
            self.telemetry = telemetry
            self.createdAt = createdAt
            self.trace = trace
        }
    }

    public init(label: String, premise: Premise, owner: String?, createdAt: Date, steps: [Step], head: Int?,
                redoStack: [Int]) {
        format = Self.formatName
        version = Self.currentVersion
        title = premise.title
        storyID = premise.storyID
        self.label = label
        self.premise = premise
        self.owner = owner
        self.createdAt = createdAt
        self.steps = steps
        self.head = head
        self.redoStack = redoStack
    }
}

extension WorldArchive {
    /// The archive of `world` from a store's rows: its steps ordered by id (parents before
    /// children), renumbered from 1 in that order, with their traces by step id.
    public init(world: World, owner: String?, steps: [FableCore.Step], traces: [Int64: StepTrace]) throws {
        var local: [Int64: Int] = [:]
        for (index, step) in steps.enumerated() { local[step.id] = index + 1 }
        func localID(_ stepID: Int64) throws -> Int {
            guard let id = local[stepID] else { throw StoreError.noSuchStep(stepID) }
            return id
        }
        let archived = try steps.map { step in
            Step(id: try localID(step.id), parent: try step.parentID.map(localID), kind: step.kind, depth: step.depth,
                 instruction: step.instruction, content: step.content, telemetry: step.telemetry,
                 createdAt: step.createdAt, trace: traces[step.id])
        }
        self.init(label: world.label, premise: world.premise, owner: owner, createdAt: world.createdAt,
                  steps: archived, head: try world.headStepID.map(localID), redoStack: try world.redoStack.map(localID))
    }
}

// MARK: - JSON

extension WorldArchive {
    /// Pretty-printed, keys sorted, dates in ISO 8601 (UTC, milliseconds): the same world
    /// always gives the same bytes.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Self.timestamp(date))
        }
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Reads an archive, checking its format and version first so that a wrong file gets a
    /// clear `WorldArchiveError` rather than a decoding error. Does not check the tree: see `validate`.
    public static func decode(_ data: Data) throws -> WorldArchive {
        struct Header: Decodable {
            var format: String?
            var version: Int?
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
            if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date: \(text)")
        }
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: data)
        } catch {
            throw WorldArchiveError.notAnArchive("it is not a JSON object")
        }
        guard header.format == formatName else {
            throw WorldArchiveError.notAnArchive(header.format.map { "its format is \"\($0)\", not \"\(formatName)\"" }
                                                 ?? "it has no \"format\": \"\(formatName)\"")
        }
        guard let version = header.version else { throw WorldArchiveError.notAnArchive("it has no \"version\"") }
        guard version == currentVersion else { throw WorldArchiveError.unsupportedVersion(version) }
        do {
            return try decoder.decode(WorldArchive.self, from: data)
        } catch let error as DecodingError {
            throw WorldArchiveError.malformed(describe(error))
        }
    }

    /// `2026-11-28T09:41:07.250Z`: UTC, rounded to the millisecond the database keeps.
    public static func timestamp(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var (seconds, fraction) = milliseconds.quotientAndRemainder(dividingBy: 1000)
        if fraction < 0 {
            seconds -= 1
            fraction += 1000
        }
        let whole = Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())
        let digits = String(fraction)
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "the top level" : text)
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(let type, let context):
            return "\(path(context.codingPath)) should be \(type)"
        case .valueNotFound(let type, let context):
            return "\(path(context.codingPath)) should be \(type), not null"
        case .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }
}

// MARK: - Checking the tree

extension WorldArchive {
    /// Checks that the archive describes a tree a store can hold, and returns its steps in an
    /// order to insert them (parents first; the archive's own order when it already is).
    /// Throws the first problem found, naming the step.
    public func validate() throws -> [Step] {
        guard format == Self.formatName else { throw WorldArchiveError.notAnArchive("its format is \"\(format)\"") }
        guard version == Self.currentVersion else { throw WorldArchiveError.unsupportedVersion(version) }
        var byID: [Int: Step] = [:]
        for step in steps {
            guard byID.updateValue(step, forKey: step.id) == nil else { throw WorldArchiveError.duplicateStep(step.id) }
        }
        for step in steps {
            if let parent = step.parent, byID[parent] == nil {
                throw WorldArchiveError.missingParent(step: step.id, parent: parent)
            }
        }
        // Walk up from each step to the first one already placed; a walk that meets itself is a cycle.
        var placed = Set<Int>()
        var order: [Step] = []
        order.reserveCapacity(steps.count)
        for step in steps where !placed.contains(step.id) {
            var chain: [Step] = []
            var seen = Set<Int>()
            var current: Step? = step
            while let next = current, !placed.contains(next.id) {
                guard seen.insert(next.id).inserted else { throw WorldArchiveError.cycle(step: next.id) }
                chain.append(next)
                current = next.parent.flatMap { byID[$0] }
            }
            for step in chain.reversed() {
                placed.insert(step.id)
                order.append(step)
            }
        }
        for step in order {
            guard let parentID = step.parent, let parent = byID[parentID] else {
                guard step.kind == .story else { throw WorldArchiveError.openingIsARevision(step: step.id) }
                guard step.depth == 1 else { throw WorldArchiveError.wrongDepth(step: step.id, depth: step.depth, expected: 1) }
                continue
            }
            let expected = parent.depth + (step.kind == .story ? 1 : 0)
            guard step.depth == expected else {
                throw WorldArchiveError.wrongDepth(step: step.id, depth: step.depth, expected: expected)
            }
        }
        switch head {
        case nil where !steps.isEmpty:
            throw WorldArchiveError.noHead
        case let head? where byID[head] == nil:
            throw WorldArchiveError.missingHead(head)
        default:
            break
        }
        for id in redoStack where byID[id] == nil {
            throw WorldArchiveError.missingRedoStep(id)
        }
        return order
    }
}

/// What is wrong with a file given to `fable import`.
public enum WorldArchiveError: Error, Sendable, Equatable, CustomStringConvertible {
    case notAnArchive(String)
    case unsupportedVersion(Int)
    /// A field is missing or has the wrong type (the path to it, e.g. `steps[3].content.passage`).
    case malformed(String)
    case duplicateStep(Int)
    case missingParent(step: Int, parent: Int)
    case cycle(step: Int)
    case openingIsARevision(step: Int)
    case wrongDepth(step: Int, depth: Int, expected: Int)
    case noHead
    case missingHead(Int)
    case missingRedoStep(Int)

    public var description: String {
        switch self {
        case .notAnArchive(let why):
            return "this is not a Fable world export: \(why)"
        case .unsupportedVersion(let version):
            return "this world export has version \(version); this build of Fable reads version \(WorldArchive.currentVersion)"
        case .malformed(let what):
            return "the world export is damaged: \(what)"
        case .duplicateStep(let id):
            return "two steps have the id \(id)"
        case .missingParent(let step, let parent):
            return "step \(step) names parent \(parent), which is not in the file"
        case .cycle(let step):
            return "step \(step) is its own ancestor (the parents form a cycle)"
        case .openingIsARevision(let step):
            return "step \(step) has no parent but is a revision; an opening is a story step"
        case .wrongDepth(let step, let depth, let expected):
            return "step \(step) has depth \(depth) but its place in the tree gives \(expected)"
        case .noHead:
            return "the world has steps but no head"
        case .missingHead(let id):
            return "the head is step \(id), which is not in the file"
        case .missingRedoStep(let id):
            return "the redo stack names step \(id), which is not in the file"
        }
    }
}
