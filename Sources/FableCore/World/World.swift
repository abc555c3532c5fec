import Foundation

/// One reader's story: a tree of steps and a head pointer into it.
public struct World: Codable, Sendable, Equatable {
    public var id: Int64
    /// A name that finds the world again (e.g. the output file of `fable write`).
    public var label: String
    public var premise: Premise
    /// The step the reader is at; nil until the opening step is committed.
    public var headStepID: Int64?
    /// Steps that `redo` returns to, most recent last. Cleared by a new step.
    public var redoStack: [Int64]
    public var createdAt: Date

    public init(id: Int64, label: String, premise: Premise, headStepID: Int64?,
                redoStack: [Int64] = [], createdAt: Date) {
        self.id = id
        self.label = label
        self.premise = premise
        self.headStepID = headStepID
        self.redoStack = redoStack
        self.createdAt = createdAt
    }
}
