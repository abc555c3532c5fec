import GRDB

/// The database schema, one migration per change. Never edit a shipped migration: add one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: worlds, steps, long-term index") { db in
            try db.create(table: "world") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("label", .text).notNull().indexed()
                t.column("story_id", .text).notNull().indexed()
                t.column("premise", .text).notNull()
                t.column("head_step_id", .integer)
                t.column("redo_stack", .text).notNull().defaults(to: "[]")
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "step") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("world_id", .integer).notNull().indexed().references("world", onDelete: .cascade)
                t.column("parent_id", .integer).indexed().references("step")
                // The opening of this step's branch, which holds the outline.
                t.column("root_id", .integer)
                t.column("depth", .integer).notNull()
                t.column("instruction", .text).notNull()
                t.column("outline", .text)
                t.column("passage", .text).notNull()
                t.column("memory_change", .text).notNull()
                t.column("memory", .text).notNull()
                t.column("index_line", .text).notNull()
                t.column("options", .text).notNull()
                t.column("model", .text).notNull()
                t.column("prompt_tokens", .integer).notNull()
                t.column("completion_tokens", .integer).notNull()
                t.column("prompt_characters", .integer).notNull()
                t.column("latency_ms", .integer).notNull()
                t.column("attempts", .integer).notNull()
                t.column("created_at", .datetime).notNull()
            }
            // Long-term memory: BM25 over index lines and passages, kept in step by triggers.
            try db.execute(sql: """
                CREATE VIRTUAL TABLE step_fts USING fts5(
                    index_line, passage, content='step', content_rowid='id',
                    tokenize='porter unicode61 remove_diacritics 2');
                CREATE TRIGGER step_fts_insert AFTER INSERT ON step BEGIN
                    INSERT INTO step_fts(rowid, index_line, passage) VALUES (new.id, new.index_line, new.passage);
                END;
                CREATE TRIGGER step_fts_delete AFTER DELETE ON step BEGIN
                    INSERT INTO step_fts(step_fts, rowid, index_line, passage)
                        VALUES ('delete', old.id, old.index_line, old.passage);
                END;
                CREATE TRIGGER step_fts_update AFTER UPDATE OF index_line, passage ON step BEGIN
                    INSERT INTO step_fts(step_fts, rowid, index_line, passage)
                        VALUES ('delete', old.id, old.index_line, old.passage);
                    INSERT INTO step_fts(rowid, index_line, passage) VALUES (new.id, new.index_line, new.passage);
                END;
                """)
        }
        // Optional dense retrieval: one vector per step (little-endian Float32), from an
        // embeddings model. Steps written without one are filled in later (backfill).
        migrator.registerMigration("v2: step vectors") { db in
            try db.execute(sql: """
                CREATE TABLE step_vector(
                    step_id INTEGER PRIMARY KEY REFERENCES step(id) ON DELETE CASCADE,
                    model TEXT NOT NULL,
                    dimensions INTEGER NOT NULL,
                    vector BLOB NOT NULL)
                """)
        }
        // Time from the start of a step to its first passage byte, for benchmarks and admins.
        migrator.registerMigration("v3: first passage time") { db in
            try db.execute(sql: "ALTER TABLE step ADD COLUMN first_passage_ms INTEGER")
        }
        // Readers of the game server, and which account plays each world.
        migrator.registerMigration("v4: accounts, world owners") { db in
            try db.create(table: "account") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("password_hash", .text).notNull()
                t.column("is_admin", .boolean).notNull().defaults(to: false)
                t.column("settings", .text).notNull()
                t.column("last_world_id", .integer)
                t.column("created_at", .datetime).notNull()
            }
            try db.alter(table: "world") { t in
                t.add(column: "owner_id", .integer).indexed().references("account")
            }
        }
        // Revisions (memory edits, pins) as steps; pinned facts; the exact prompt and reply.
        migrator.registerMigration("v5: revisions, pins, traces") { db in
            try db.execute(sql: """
                ALTER TABLE step ADD COLUMN kind TEXT NOT NULL DEFAULT 'story';
                ALTER TABLE step ADD COLUMN pins TEXT NOT NULL DEFAULT '[]';
                CREATE TABLE step_trace(
                    step_id INTEGER PRIMARY KEY REFERENCES step(id) ON DELETE CASCADE,
                    messages TEXT NOT NULL,
                    reply TEXT NOT NULL,
                    parameters TEXT NOT NULL);
                -- A revision repeats its parent's passage: keep it out of long-term search.
                DROP TRIGGER step_fts_insert;
                CREATE TRIGGER step_fts_insert AFTER INSERT ON step WHEN new.kind = 'story' BEGIN
                    INSERT INTO step_fts(rowid, index_line, passage) VALUES (new.id, new.index_line, new.passage);
                END;
                """)
        }
        // Long-term search scoped to one world: the full-text index gets the step's world as a
        // third column (weight 0 in bm25), so a search matches `world_id : "N" AND (terms)` and
        // never reads another world's postings. The index is derived data: it is rebuilt from
        // the story steps (revisions stay out, as in v5), and the triggers keep it in step.
        migrator.registerMigration("v6: full-text index per world") { db in
            try db.execute(sql: """
                DROP TRIGGER step_fts_insert;
                DROP TRIGGER step_fts_delete;
                DROP TRIGGER step_fts_update;
                DROP TABLE step_fts;
                CREATE VIRTUAL TABLE step_fts USING fts5(
                    index_line, passage, world_id, content='step', content_rowid='id',
                    tokenize='porter unicode61 remove_diacritics 2');
                INSERT INTO step_fts(rowid, index_line, passage, world_id)
                    SELECT id, index_line, passage, world_id FROM step WHERE kind = 'story' ORDER BY id;
                CREATE TRIGGER step_fts_insert AFTER INSERT ON step WHEN new.kind = 'story' BEGIN
                    INSERT INTO step_fts(rowid, index_line, passage, world_id)
                        VALUES (new.id, new.index_line, new.passage, new.world_id);
                END;
                CREATE TRIGGER step_fts_delete AFTER DELETE ON step WHEN old.kind = 'story' BEGIN
                    INSERT INTO step_fts(step_fts, rowid, index_line, passage, world_id)
                        VALUES ('delete', old.id, old.index_line, old.passage, old.world_id);
                END;
                CREATE TRIGGER step_fts_update AFTER UPDATE OF index_line, passage, world_id, kind ON step BEGIN
                    INSERT INTO step_fts(step_fts, rowid, index_line, passage, world_id)
                        SELECT 'delete', old.id, old.index_line, old.passage, old.world_id WHERE old.kind = 'story';
                    INSERT INTO step_fts(rowid, index_line, passage, world_id)
                        SELECT new.id, new.index_line, new.passage, new.world_id WHERE new.kind = 'story';
                END;
                """)
        }
        // FTS5 merges its index segments inside the insert that fills a level: every 64th
        // commit would wait for a long merge. Merging is left to
        // `FullTextMerger`, a little at a time between commits (FTS5's 'merge' command).
        migrator.registerMigration("v7: full-text merges in the background") { db in
            try db.execute(sql: "INSERT INTO step_fts(step_fts, rank) VALUES('automerge', 0)")
        }
        // Long-term search at the grain a fact lives: the index line and each sentence of a
        // story step are pieces with their own full-text row and vector (`StepPieces`), and a
        // passage counts by its best piece. A piece's id is its step's id × 64 + its number.
        // `terms` is what the index reads: the text with CJK runs as bigrams (`CJKBigrams`);
        // `neighbours`, a piece's nearest cosines in its world (`PieceVectors`), kept so a
        // restart need not compare every pair again.
        // The passage-level index and vectors are replaced; pieces of every story step are
        // written here, and their vectors are backfilled as steps run.
        migrator.registerMigration("v8: pieces") { db in
            try db.execute(sql: """
                DROP TRIGGER step_fts_insert;
                DROP TRIGGER step_fts_delete;
                DROP TRIGGER step_fts_update;
                DROP TABLE step_fts;
                DROP TABLE step_vector;
                CREATE TABLE step_piece(
                    id INTEGER PRIMARY KEY,
                    step_id INTEGER NOT NULL REFERENCES step(id) ON DELETE CASCADE,
                    world_id INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    terms TEXT NOT NULL);
                CREATE INDEX step_piece_step ON step_piece(step_id);
                CREATE VIRTUAL TABLE piece_fts USING fts5(
                    terms, world_id, content='step_piece', content_rowid='id',
                    tokenize='porter unicode61 remove_diacritics 2');
                INSERT INTO piece_fts(piece_fts, rank) VALUES('automerge', 0);
                CREATE TRIGGER piece_fts_insert AFTER INSERT ON step_piece BEGIN
                    INSERT INTO piece_fts(rowid, terms, world_id) VALUES (new.id, new.terms, new.world_id);
                END;
                CREATE TRIGGER piece_fts_delete AFTER DELETE ON step_piece BEGIN
                    INSERT INTO piece_fts(piece_fts, rowid, terms, world_id)
                        VALUES ('delete', old.id, old.terms, old.world_id);
                END;
                CREATE TABLE piece_vector(
                    piece_id INTEGER PRIMARY KEY REFERENCES step_piece(id) ON DELETE CASCADE,
                    model TEXT NOT NULL,
                    dimensions INTEGER NOT NULL,
                    vector BLOB NOT NULL,
                    neighbours BLOB);
                """)
            let steps = try Row.fetchCursor(db, sql: """
                SELECT id, world_id, index_line, passage FROM step WHERE kind = 'story' ORDER BY id
                """)
            while let row = try steps.next() {
                try PieceRows.insert(db, stepID: row[0], worldID: row[1], indexLine: row[2], passage: row[3])
            }
        }
        // Every model call of a step (rewrites, repairs, the server's own timings) beside its trace.
        migrator.registerMigration("v9: model calls") { db in
            try db.execute(sql: "ALTER TABLE step_trace ADD COLUMN calls TEXT NOT NULL DEFAULT '[]'")
        }
        return migrator
    }

    /// The name of the last migration, for tests that build an older file.
    static let v5 = "v5: revisions, pins, traces"
}

extension SQLiteStore {
    /// For tests of a migration: a new file with the migrations up to `migration` only, and
    /// `sql` run on it.
    static func makeFile(path: String, migratedUpTo migration: String, sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: migration)
        try queue.write { try $0.execute(sql: sql) }
    }
}
