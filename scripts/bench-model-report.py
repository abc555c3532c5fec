"""Summarises a bench-model database: python3 scripts/bench-model-report.py DB FAILED_STEPS"""
import sqlite3, sys
db, failures = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
rows = c.execute("select attempts, latency_ms, prompt_tokens, completion_tokens, first_passage_ms from step").fetchall()
n = len(rows)
first = sum(1 for r in rows if r[0] == 1)
later = n - first
total = n + failures
def pct(x): return f"{100 * x / total:.1f}%"
def q(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else 0
print(f"| steps tried | valid on the first try | valid after retries | failed |")
print(f"| --- | --- | --- | --- |")
print(f"| {total} | {first} ({pct(first)}) | {later} ({pct(later)}) | {failures} ({pct(failures)}) |")
lat = [r[1] for r in rows]
ttfb = [r[4] for r in rows if r[4] is not None]
tps = sum(r[3] for r in rows) / max(1, sum(r[1] for r in rows) / 1000)
print()
print(f"step latency p50 {q(lat, .5)/1000:.1f} s, p95 {q(lat, .95)/1000:.1f} s; "
      f"first passage byte p50 {q(ttfb, .5)/1000:.2f} s, p95 {q(ttfb, .95)/1000:.2f} s; "
      f"{tps:.1f} completion tokens/s over whole steps")
print(f"prompt tokens per step: mean {sum(r[2] for r in rows)/n:.0f}, max {max(r[2] for r in rows)}; "
      f"completion tokens per step: mean {sum(r[3] for r in rows)/n:.0f}, max {max(r[3] for r in rows)}")
print(f"attempts per step: " + ", ".join(f"{a}: {sum(1 for r in rows if r[0] == a)}" for a in sorted({r[0] for r in rows})))
print(f"integrity: {c.execute('pragma integrity_check').fetchone()[0]}")
