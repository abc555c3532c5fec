import FableCore
import GRDB

/// A row of `step_trace`: the exact prompt and reply of a step. Written by hand, as
/// `StepRecord` is; the trace is written at every commit.
struct StepTraceRecord {
    static let databaseTableName = "step_trace"

    /// A JSON column (its keys as in Swift: GRDB's column strategies never reached nested values).
    struct Parameters: Codable {
        var temperature: Double?
        var maxTokens: Int?
    }

    var stepId: Int64
    /// JSON text.
    var messages: [ChatMessage]
    var reply: String
    /// JSON text.
    var parameters: Parameters
    /// JSON text.
    var calls: [ModelCall]

    init(stepId: Int64, _ trace: StepTrace) {
        self.stepId = stepId
        messages = trace.messages
        reply = trace.reply
        parameters = Parameters(temperature: trace.temperature, maxTokens: trace.maxTokens)
        calls = trace.calls
    }

    var trace: StepTrace {
        StepTrace(messages: messages, reply: reply, temperature: parameters.temperature,
                  maxTokens: parameters.maxTokens, calls: calls)
    }
}

extension StepTraceRecord: FetchableRecord, TableRecord {
    init(row: Row) throws {
        stepId = try row.decode(forColumn: "step_id")
        messages = try JSONColumn.decode(row, "messages")
        reply = try row.decode(forColumn: "reply")
        parameters = try JSONColumn.decode(row, "parameters")
        calls = try JSONColumn.decode(row, "calls")
    }

    /// Inserts the row through one kept statement, as `StepRecord.insert` does; SQLite writes
    /// the JSON columns (`SQLValues`): encoding the prompt's messages (thousands of characters)
    /// with `JSONEncoder` would be the largest part of a commit's own CPU.
    func insert(_ db: Database) throws {
        let messages = try SQLValues.messageArray(messages)
        let parameters = SQLValues.parameters(maxTokens: parameters.maxTokens, temperature: parameters.temperature)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO step_trace (step_id, messages, reply, parameters, calls) VALUES (?, \(messages.sql), ?, \(parameters.sql), ?)
            """)
        let calls = try JSONColumn.text(calls)
        try statement.execute(arguments: StatementArguments([stepId] + messages.values + [reply] + parameters.values + [calls]))
    }
}
