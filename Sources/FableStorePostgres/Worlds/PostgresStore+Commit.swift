import FableCore
import Foundation
import PostgresNIO

extension PostgresStore {
    /// One transaction: the world's row is locked (`SELECT … FOR UPDATE`) and its head compared
    /// with `expectedHead`; then the step, its pieces, its trace and the new head are written.
    /// A second front end committing after the same head waits for the lock, then finds the head
    /// moved (`StoreError.headMoved`) and writes nothing.
    public func commit(_ draft: StepDraft, expectedHead: Int64?) async throws -> Step {
        try await transaction { connection in
            guard let head = try await connection.rows("""
                SELECT head_step_id FROM world WHERE id = \(draft.worldID) FOR UPDATE
                """, logger: logger, { try $0[0].decode(Int64?.self) }).first else {
                throw StoreError.noSuchWorld(draft.worldID)
            }
            guard head == expectedHead else { throw StoreError.headMoved }
            var rootID: Int64?
            if let parentID = draft.parentID {
                guard let parent = try await connection.rows("""
                    SELECT world_id, root_id FROM step WHERE id = \(parentID)
                    """, logger: logger, { (try $0[0].decode(Int64.self), try $0[1].decode(Int64.self)) }).first,
                      parent.0 == draft.worldID else { throw StoreError.noSuchStep(parentID) }
                rootID = parent.1
            }
            let step = try await insertStep(connection, draft, rootID: rootID, createdAt: Date())
            try await connection.query("""
                UPDATE world SET head_step_id = \(step.id), redo_stack = '{}' WHERE id = \(draft.worldID)
                """, logger: logger)
            return step
        }
    }

    /// Inserts a step (an opening is its own branch's root), its pieces when it is a story step
    /// (a revision repeats its parent's passage) and its trace, on a connection in a transaction.
    func insertStep(_ connection: PostgresConnection, _ draft: StepDraft, rootID: Int64?, createdAt: Date) async throws -> Step {
        let content = draft.content
        let telemetry = draft.telemetry
        let query: PostgresQuery = """
            INSERT INTO step (id, world_id, parent_id, root_id, depth, instruction, outline, passage, memory_change,
                              memory, index_line, options, model, prompt_tokens, completion_tokens, prompt_characters,
                              latency_ms, first_passage_ms, attempts, kind, pins, created_at)
            SELECT new.id, \(draft.worldID), \(draft.parentID), COALESCE(\(rootID)::bigint, new.id), \(draft.depth),
                   \(draft.instruction), \(content.outline), \(content.passage), \(content.memoryChange), \(content.memory),
                   \(content.indexLine), \(content.options), \(telemetry.model), \(telemetry.promptTokens),
                   \(telemetry.completionTokens), \(telemetry.promptCharacters), \(telemetry.latencyMilliseconds),
                   \(telemetry.firstPassageMilliseconds), \(telemetry.attempts), \(draft.kind.rawValue), \(content.pins),
                   \(createdAt)
            FROM (SELECT nextval(pg_get_serial_sequence('step', 'id')) AS id) AS new
            RETURNING \(unescaped: Rows.stepColumns)
            """
        guard let step = try await connection.rows(query, logger: logger, Rows.step).first else {
            throw StoreError.noSuchStep(0)
        }
        if draft.kind == .story {
            let pieces = StepPieces.split(indexLine: content.indexLine, passage: content.passage)
            if !pieces.isEmpty {
                let ids = pieces.map { StepPieces.pieceID(step: step.id, number: $0.number) }
                let texts = pieces.map(\.text)
                let terms = pieces.map { CJKBigrams.indexed($0.text) }
                try await connection.query("""
                    INSERT INTO step_piece(id, step_id, world_id, text, terms)
                    SELECT unnest(\(ids)::bigint[]), \(step.id), \(draft.worldID), unnest(\(texts)::text[]),
                           unnest(\(terms)::text[])
                    """, logger: logger)
            }
        }
        if let trace = draft.trace {
            let parameters = try JSONText.encode(Rows.TraceParameters(temperature: trace.temperature, maxTokens: trace.maxTokens))
            try await connection.query("""
                INSERT INTO step_trace(step_id, messages, reply, parameters, calls)
                VALUES (\(step.id), \(try JSONText.encode(trace.messages)), \(trace.reply), \(parameters),
                        \(try JSONText.encode(trace.calls)))
                """, logger: logger)
        }
        return step
    }
}
