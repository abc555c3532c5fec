/// The pieces of a step that long-term search indexes one by one: the index line, then the
/// passage's sentences. A fact is usually one sentence among ten; scored whole, a passage
/// averages it away (one vector) or buries it under its other words (BM25), so each piece
/// is ranked on its own and a passage counts by its best piece.
public enum StepPieces {
    /// A piece's id is its step's id times this, plus its number: the pieces of a step sort
    /// together and after every earlier step's, so the branch rule and id-range filters that
    /// work on step ids work on pieces by a shift.
    public static let perStep: Int64 = 64
    public static let shift: Int64 = 6
    /// A sentence of fewer words than this (a CJK character counts as a word) is joined to the
    /// next: alone it says too little to be found ("He nods.").
    public static let shortSentenceWords = 4

    public struct Piece: Sendable, Equatable {
        /// 0 is the index line; sentences count from 1.
        public var number: Int
        public var text: String

        public init(number: Int, text: String) {
            self.number = number
            self.text = text
        }
    }

    /// `BETWEEN … AND …` over the piece ids of the step in SQL column `step`.
    public static func idsOfStep(_ step: String) -> String {
        "BETWEEN \(step) * \(perStep) AND \(step) * \(perStep) + \(perStep - 1)"
    }

    /// The runs of consecutive elements whose pieces belong to one step, in order.
    public static func byStep<Element>(_ elements: [Element], pieceID: (Element) -> Int64) -> [ArraySlice<Element>] {
        var runs: [ArraySlice<Element>] = []
        var start = elements.startIndex
        while start < elements.endIndex {
            let step = stepID(ofPiece: pieceID(elements[start]))
            var end = start + 1
            while end < elements.endIndex, stepID(ofPiece: pieceID(elements[end])) == step { end += 1 }
            runs.append(elements[start..<end])
            start = end
        }
        return runs
    }

    public static func pieceID(step: Int64, number: Int) -> Int64 { step << shift | Int64(number) }
    public static func stepID(ofPiece id: Int64) -> Int64 { id >> shift }
    public static func firstPieceID(ofStep step: Int64) -> Int64 { step << shift }
    public static func lastPieceID(ofStep step: Int64) -> Int64 { step << shift | (perStep - 1) }

    /// The index line (when there is one) and the passage's sentences, at most `perStep` in
    /// all: sentences past the last number are joined to the last piece.
    public static func split(indexLine: String, passage: String) -> [Piece] {
        var pieces: [Piece] = []
        let line = indexLine.trimmed
        if !line.isEmpty { pieces.append(Piece(number: 0, text: line)) }
        var number = 1
        var pending = ""
        for sentence in sentences(passage) {
            pending = pending.isEmpty ? sentence : pending + (needsSpace(pending, sentence) ? " " : "") + sentence
            guard TextMeasure.words(pending) >= shortSentenceWords else { continue }
            if number < Int(perStep) - 1 {
                pieces.append(Piece(number: number, text: pending))
                number += 1
            } else if let last = pieces.last, last.number == Int(perStep) - 1 {
                pieces[pieces.count - 1].text = last.text + " " + pending
            } else {
                pieces.append(Piece(number: number, text: pending))
            }
            pending = ""
        }
        if !pending.isEmpty {
            // A short last sentence belongs with the one before it.
            if let last = pieces.last, last.number > 0 {
                pieces[pieces.count - 1].text = last.text + (needsSpace(last.text, pending) ? " " : "") + pending
            } else {
                pieces.append(Piece(number: number, text: pending))
            }
        }
        return pieces
    }

    /// The passage's sentences: text up to and including a full stop, question or exclamation
    /// mark (Latin or CJK) or an ellipsis, with any closing quotes and brackets after it; a
    /// Latin mark ends a sentence only before white space or the end. Line breaks end one too.
    public static func sentences(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        let characters = Array(text)
        var index = 0
        func flush() {
            let sentence = current.trimmed
            if !sentence.isEmpty { result.append(sentence) }
            current = ""
        }
        while index < characters.count {
            let character = characters[index]
            if character == "\n" {
                flush()
                index += 1
                continue
            }
            current.append(character)
            index += 1
            let ends: Bool
            if cjkEnds.contains(character) {
                ends = true
            } else if latinEnds.contains(character) {
                // "3.5" does not end a sentence, nor does a mark before a lower-case word
                // ("“Who goes there?” she called.").
                var next = index
                while next < characters.count, latinEnds.contains(characters[next]) || closers.contains(characters[next]) {
                    next += 1
                }
                var word = next
                while word < characters.count, characters[word].isWhitespace, characters[word] != "\n" { word += 1 }
                ends = next == characters.count
                    || (characters[next].isWhitespace && !(word < characters.count && characters[word].isLowercase))
            } else {
                ends = false
            }
            if ends {
                while index < characters.count, latinEnds.contains(characters[index]) || cjkEnds.contains(characters[index])
                        || closers.contains(characters[index]) {
                    current.append(characters[index])
                    index += 1
                }
                flush()
            }
        }
        flush()
        return result
    }

    private static let latinEnds: Set<Character> = [".", "!", "?", "…", ";"]
    private static let cjkEnds: Set<Character> = ["。", "！", "？", "；"]
    private static let closers: Set<Character> = ["\"", "'", "”", "’", "»", ")", "]", "」", "』", "）", "》", "›"]

    /// CJK sentences are written without a space between them.
    private static func needsSpace(_ before: String, _ after: String) -> Bool {
        guard let last = before.unicodeScalars.last, let first = after.unicodeScalars.first else { return false }
        return !(TextMeasure.isCJK(last) || TextMeasure.isCJK(first) || last.properties.isIdeographic
                 || ["。", "！", "？", "；", "」", "”"].contains(Character(last)))
    }
}

extension String {
    var trimmed: String {
        var view = Substring(self)
        while let first = view.first, first.isWhitespace { view.removeFirst() }
        while let last = view.last, last.isWhitespace { view.removeLast() }
        return String(view)
    }
}
