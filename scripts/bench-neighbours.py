#!/usr/bin/env python3
"""Copies a `fable bench step` world into a file it shares with other worlds (issue 7).

    python3 scripts/bench-neighbours.py SOURCE DEST [WORLDS]

SOURCE is a kept `step-bench-N.sqlite` (`fable bench step --db-dir`), DEST a new file to
name `step-bench-N.sqlite` in another folder. DEST holds the bench world and WORLDS - 1
copies of it (default 20 in all) under other labels, their steps interleaved by id as
readers playing at once write them: the bench world's step i becomes id i*WORLDS, copy j's
i*WORLDS+j. Every copy holds the same words, the worst case for a search that reads
other worlds' postings. The index is rebuilt and merged into one segment. `fable bench
step --db-dir DEST_FOLDER` then reuses the world.
"""
import os
import sqlite3
import sys


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    source, dest = sys.argv[1], sys.argv[2]
    worlds = int(sys.argv[3]) if len(sys.argv) == 4 else 20
    if os.path.exists(dest):
        sys.exit(f"{dest} exists; give a new file")
    sqlite3.connect(source).execute("VACUUM INTO ?", (dest,))
    db = sqlite3.connect(dest)
    if db.execute("SELECT count(*) FROM world").fetchone()[0] != 1:
        sys.exit("the source must hold one world (a step-bench file)")
    if db.execute("SELECT count(*) FROM step WHERE kind != 'story'").fetchone()[0]:
        sys.exit("the source must hold story steps only")
    db.execute("PRAGMA foreign_keys = OFF")
    triggers = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'step'").fetchall()
    for name, _ in triggers:
        db.execute(f"DROP TRIGGER {name}")
    for table, column in [("step", "id"), ("step_vector", "step_id"), ("step_trace", "step_id")]:
        db.execute(f"UPDATE {table} SET {column} = -{column} * ?", (worlds,))
        db.execute(f"UPDATE {table} SET {column} = -{column}")
    db.execute("UPDATE step SET parent_id = parent_id * ?, root_id = root_id * ?", (worlds, worlds))
    db.execute("UPDATE world SET head_step_id = head_step_id * ?", (worlds,))
    columns = [row[1] for row in db.execute("PRAGMA table_info(step)")]
    for copy in range(1, worlds):
        db.execute("""INSERT INTO world (label, story_id, premise, head_step_id, redo_stack, created_at, owner_id)
                      SELECT 'neighbour ' || ?, story_id, premise, head_step_id + ?, '[]', created_at, NULL
                      FROM world ORDER BY id LIMIT 1""", (copy, copy))
        world_id = db.execute("SELECT last_insert_rowid()").fetchone()[0]
        shifted = {"id": f"id + {copy}", "world_id": str(world_id),
                   "parent_id": f"parent_id + {copy}", "root_id": f"root_id + {copy}"}
        values = ", ".join(shifted.get(name, name) for name in columns)
        db.execute(f"INSERT INTO step ({', '.join(columns)}) SELECT {values} FROM step WHERE id % ? = 0", (worlds,))
        for table in ("step_vector", "step_trace"):
            rest = [row[1] for row in db.execute(f"PRAGMA table_info({table})")][1:]
            db.execute(f"INSERT INTO {table} SELECT step_id + ?, {', '.join(rest)} FROM {table} WHERE step_id % ? = 0",
                       (copy, worlds))
    db.execute("UPDATE sqlite_sequence SET seq = (SELECT max(id) FROM step) WHERE name = 'step'")
    db.execute("INSERT INTO step_fts(step_fts) VALUES ('rebuild')")
    # One merged index, as a long-running server's merger leaves it: otherwise the bench's
    # commits wait behind the merger working through the rebuilt index.
    db.execute("INSERT INTO step_fts(step_fts) VALUES ('optimize')")
    for _, sql in triggers:
        db.execute(sql)
    db.commit()
    steps, count = db.execute("SELECT count(*), count(DISTINCT world_id) FROM step").fetchone()
    print(f"{dest}: {count} worlds, {steps} steps")


if __name__ == "__main__":
    main()
