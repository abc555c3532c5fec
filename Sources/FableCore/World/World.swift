import Foundation

/// One reader's story: a tree of steps and a head pointer into it.
public struct World: Codable, Sendable, Equatable {
    public var id: Int64
    /// A name that finds the world again (e.g. the output file of `fable write`).
    public var label: String
    public var premise: Premise
    /// The reader's account that plays it; nil for worlds of `fable play` and `fable write`.
    public var ownerID: Int64?
    /// The step the reader is at; nil until the opening step is committed.
    public var headStepID: Int64?
    /// Steps that `redo` returns to, most recent last. Cleared by a new step.
    public var redoStack: [Int64]
    public var createdAt: Date

    public init(id: Int64, label: String, premise: Premise, ownerID: Int64? = nil, headStepID: Int64?,
                redoStack: [Int64] = [], createdAt: Date) {
        self.id = id
        self.label = label
        self.premise = premise
        self.ownerID = ownerID
        self.headStepID = headStepID
        self.redoStack = redoStack
        self.createdAt = createdAt
    }
}
