import FableCore
import Foundation

/// Everything the storyteller knows about a world at one step, and why it wrote what it
/// wrote: `fable inspect` and `@inspect`. Its JSON form (`format` `fable-inspect`,
/// `version` 1) is stable; fields are only ever added (docs/admin.md).
public struct Inspection: Codable, Sendable, Equatable {
    public var format = "fable-inspect"
    public var version = 1
    public var reader: Reader?
    public var world: WorldInfo
    /// The step looked at: the head, unless another was asked for.
    public var step: StepInfo?
    public var outline: String?
    public var memory: String
    public var lastMemoryChange: String
    public var pins: [String]
    /// What the next step would retrieve from long-term memory, best first, searching with
    /// the step's options (what the next passage follows) and its memory.
    public var nextRetrieval: [Retrieval]
    public var nextRetrievalFused: Bool
    /// How long-term search ranks now (`DenseStatus`): BM25 alone or fused with vectors, and why.
    public var retrievalMode: String?
    /// The last model call on this branch (the step itself, or the nearest written one above a revision).
    public var lastCall: Call?

    public struct Reader: Codable, Sendable, Equatable {
        public var name: String
        public var isAdmin: Bool
    }

    public struct WorldInfo: Codable, Sendable, Equatable {
        public var id: Int64
        public var storyID: String
        public var title: String
        public var mode: String
        public var language: String
        public var createdAt: Date
        public var premise: String
        public var answers: [String: String]
        public var canon: [String]
        public var headStepID: Int64?
    }

    public struct StepInfo: Codable, Sendable, Equatable {
        public var id: Int64
        public var depth: Int
        public var kind: String
        public var instruction: String
        public var passage: String
        public var indexLine: String
        public var options: [String]
        public var createdAt: Date
    }

    public struct Retrieval: Codable, Sendable, Equatable {
        public var stepID: Int64
        public var depth: Int
        public var indexLine: String
        /// BM25 (lower is better), or the fused rank score when vectors are on.
        public var score: Double
        /// The pieces (index line or sentence) that found it: which ranking, its rank there,
        /// and which query (0: the first option, …; the last: the memory).
        public var pieces: [Piece]?
        /// Brought by one option's own search, shown in the prompt as one line (nil: a whole passage).
        public var brief: Bool?
    }

    public struct Piece: Codable, Sendable, Equatable {
        public var text: String
        public var ranking: String
        public var rank: Int
        public var query: Int
    }

    public struct Call: Codable, Sendable, Equatable {
        public var stepID: Int64
        public var model: String
        public var temperature: Double?
        public var maxTokens: Int?
        public var promptTokens: Int
        public var completionTokens: Int
        public var promptCharacters: Int
        public var latencyMilliseconds: Int
        public var firstPassageMilliseconds: Int?
        public var attempts: Int
        /// Exactly what was sent (nil for steps written before traces were kept).
        public var messages: [ChatMessage]?
        public var reply: String?
        /// Every call the step made: why a reply was written again or repaired, and the times.
        public var calls: [ModelCall]?
    }

    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

extension Storyteller {
    /// Reads a world at `stepID` (default: its head). Only reads: safe while the server writes.
    public func inspect(world: World, stepID: Int64? = nil, reader: Account? = nil) async throws -> Inspection {
        let targetID = stepID ?? world.headStepID
        var step: Step?
        if let targetID {
            guard let found = try await store.step(id: targetID), found.worldID == world.id else {
                throw StoreError.noSuchStep(targetID)
            }
            step = found
        }
        var report = Inspection(
            reader: reader.map { Inspection.Reader(name: $0.name, isAdmin: $0.isAdmin) },
            world: Inspection.WorldInfo(id: world.id, storyID: world.premise.storyID, title: world.premise.title,
                                        mode: world.premise.mode.rawValue, language: world.premise.language,
                                        createdAt: world.createdAt, premise: world.premise.body,
                                        answers: world.premise.answers, canon: world.premise.canon,
                                        headStepID: world.headStepID),
            memory: step?.content.memory ?? "", lastMemoryChange: step?.content.memoryChange ?? "",
            pins: step?.content.pins ?? [], nextRetrieval: [], nextRetrievalFused: false)
        guard let step else { return report }
        report.step = Inspection.StepInfo(id: step.id, depth: step.depth, kind: step.kind.rawValue,
                                          instruction: step.instruction, passage: step.content.passage,
                                          indexLine: step.content.indexLine, options: step.content.options,
                                          createdAt: step.createdAt)
        report.outline = try await store.opening(of: step.id).content.outline
        if let above = try await store.searchStart(below: step) {
            let result = try await retriever.search(endingAt: above, query: .next(instruction: .auto, after: step.content),
                                                    limit: settings.retrievalCount)
            report.nextRetrieval = result.passages.map {
                Inspection.Retrieval(stepID: $0.stepID, depth: $0.depth, indexLine: $0.indexLine, score: $0.score,
                                     pieces: $0.pieces.map {
                                         Inspection.Piece(text: $0.text, ranking: $0.ranking.rawValue, rank: $0.rank,
                                                          query: $0.query)
                                     }, brief: $0.isBrief ? true : nil)
            }
            report.nextRetrievalFused = result.fused
        }
        report.retrievalMode = retriever.denseStatus.description
        var written: Step? = step
        while let candidate = written, candidate.kind == .revision {
            written = if let parentID = candidate.parentID { try await store.step(id: parentID) } else { nil }
        }
        if let written {
            let trace = try await store.trace(stepID: written.id)
            let telemetry = written.telemetry
            report.lastCall = Inspection.Call(
                stepID: written.id, model: telemetry.model, temperature: trace?.temperature,
                maxTokens: trace?.maxTokens, promptTokens: telemetry.promptTokens,
                completionTokens: telemetry.completionTokens, promptCharacters: telemetry.promptCharacters,
                latencyMilliseconds: telemetry.latencyMilliseconds,
                firstPassageMilliseconds: telemetry.firstPassageMilliseconds, attempts: telemetry.attempts,
                messages: trace?.messages, reply: trace?.reply, calls: trace?.calls)
        }
        return report
    }
}
