"""Summarises a bench-model database.

    python3 scripts/bench-model-report.py DB FAILED_STEPS [LLM_BASE_URL]

With the model server's URL (llama.cpp), each field is measured in the model's own tokens
(its /tokenize endpoint); without it, at about 4 characters a token.
"""
import json, sqlite3, sys, urllib.request

db, failures = sys.argv[1], int(sys.argv[2])
base = sys.argv[3].rstrip("/").removesuffix("/v1") if len(sys.argv) > 3 else None
c = sqlite3.connect(db)
rows = c.execute("""
    select s.latency_ms, s.first_passage_ms, s.prompt_tokens, s.completion_tokens, s.attempts,
           s.passage, s.memory_change, s.memory, s.index_line, s.options, t.calls, t.messages
    from step s join step_trace t on t.step_id = s.id where s.kind = 'story' order by s.id""").fetchall()
n = len(rows)
total = n + failures

def q(values, p):
    values = sorted(v for v in values if v is not None)
    return values[min(len(values) - 1, int(p * len(values)))] if values else float("nan")

def tokens(text):
    if base:
        try:
            body = json.dumps({"content": text}).encode()
            request = urllib.request.Request(base + "/tokenize", body, {"Content-Type": "application/json"})
            return len(json.load(urllib.request.urlopen(request, timeout=10))["tokens"])
        except Exception:
            pass
    return max(1, round(len(text.encode()) / 4))

def pct(x): return f"{100 * x / max(1, total):.1f}%"

visible, repaired, calls_total = 0, 0, 0
first_word, first_prompt_eval, first_ratio, first_added = [], [], [], []
turn, server_turn, turn_ratio = [], [], []
cached_share, uncached_tokens = [], []
fields = {"passage": [], "memory_change": [], "memory": [], "index_line": [], "options": [], "JSON around them": []}
sections = {}
for (latency, first, prompt_tokens, completion, attempts, passage, change, memory, index_line, options,
     calls_json, messages_json) in rows:
    calls = json.loads(calls_json or "[]")
    calls_total += len(calls) or attempts
    writes = [call for call in calls if call["purpose"] == "write"]
    # The last write is the one the step kept (only repairs come after it).
    kept = max((i for i, call in enumerate(calls) if call["purpose"] == "write"), default=None)
    # A rewrite the reader saw: an earlier write that had streamed passage text.
    if any(call.get("firstPassageMilliseconds") is not None for call in writes[:-1]):
        visible += 1
    if any(call["purpose"] == "repair" for call in calls):
        repaired += 1
    timed = [call for call in calls if call.get("server")]
    # The model's own time to the first word the reader saw: every call before the one that
    # showed it (a passage stopped unseen), then that call's prompt evaluation.
    # A call the gate cut short reports no timings (its stream was aborted): all of its time
    # is counted as the model's.
    def model_ms(call):
        server = call.get("server")
        return server["promptMilliseconds"] + server["generationMilliseconds"] if server else call["milliseconds"]
    shown_at = next((i for i, call in enumerate(calls) if call.get("firstPassageMilliseconds") is not None), None)
    if shown_at is not None and first is not None and calls[shown_at].get("server"):
        evaluate = sum(model_ms(call) for call in calls[:shown_at]) + calls[shown_at]["server"]["promptMilliseconds"]
        first_word.append(first)
        first_prompt_eval.append(evaluate)
        first_ratio.append(first / max(1.0, evaluate))
        first_added.append(first - evaluate)
    if writes and writes[0].get("server"):
        uncached_tokens.append(writes[0]["server"]["promptTokens"])
        if writes[0].get("promptTokens"):
            cached_share.append((writes[0].get("cachedPromptTokens") or 0) / writes[0]["promptTokens"])
    if calls:
        raw = sum(model_ms(call) for call in calls)
        turn.append(latency)
        server_turn.append(raw)
        turn_ratio.append(latency / max(1.0, raw))
    parts = {"passage": passage, "memory_change": change, "memory": memory, "index_line": index_line,
             "options": "\n".join(json.loads(options))}
    counted = {name: tokens(text) for name, text in parts.items()}
    for name, value in counted.items():
        fields[name].append(value)
    if kept is not None and calls[kept].get("completionTokens"):
        fields["JSON around them"].append(max(0, calls[kept]["completionTokens"] - sum(counted.values())))
    for message in json.loads(messages_json or "[]"):
        if message["role"] == "system":
            sections.setdefault("system message", []).append(tokens(message["content"]))
            continue
        for block in ("\n\n" + message["content"]).split("\n\n# "):
            if not block.strip():
                continue
            heading = block.split("\n", 1)[0].split(":")[0].strip("# ") or "(a part without a heading)"
            sections.setdefault(heading, []).append(tokens("# " + block))

print("| steps tried | failed | passage rewritten (seen by the reader) | repaired (passage kept) | model calls per kept step |")
print("| --- | --- | --- | --- | --- |")
print(f"| {total} | {failures} ({pct(failures)}) | {visible} ({pct(visible)}) | {repaired} ({pct(repaired)}) | {calls_total / max(1, n):.2f} |")
print()
print("| per step, ms | p50 | p95 |")
print("| --- | --- | --- |")
print(f"| choice → first passage word (Fable) | {q(first_word, .5):.0f} | {q(first_word, .95):.0f} |")
print(f"| the server's own time to it: the uncached prompt's evaluation (and any call stopped unseen before) | {q(first_prompt_eval, .5):.0f} | {q(first_prompt_eval, .95):.0f} |")
print(f"| ratio, step by step | {q(first_ratio, .5):.2f} | {q(first_ratio, .95):.2f} |")
print(f"| added to it, step by step (search, prompt, the reply's opening tokens, the held-back start) | {q(first_added, .5):.0f} | {q(first_added, .95):.0f} |")
print(f"| choice → options shown (Fable: whole step, commit included) | {q(turn, .5):.0f} | {q(turn, .95):.0f} |")
print(f"| the server's own time, every call of the step (prompt + generation) | {q(server_turn, .5):.0f} | {q(server_turn, .95):.0f} |")
print(f"| ratio, step by step | {q(turn_ratio, .5):.2f} | {q(turn_ratio, .95):.2f} |")
print()
print(f"prompt tokens per step: mean {sum(r[2] for r in rows) / max(1, n):.0f}, max {max((r[2] for r in rows), default=0)}; "
      f"evaluated (not cached) p50 {q(uncached_tokens, .5):.0f}; cached share of the first call p50 {q(cached_share, .5):.2f}; "
      f"completion tokens per step (all calls): mean {sum(r[3] for r in rows) / max(1, n):.0f}")
print()
print("| reply field | tokens p50 | p95 | mean |")
print("| --- | --- | --- | --- |")
for name, values in fields.items():
    if values:
        print(f"| {name} | {q(values, .5)} | {q(values, .95)} | {sum(values) / len(values):.0f} |")
print()
print("| prompt section | tokens p50 | p95 | mean |")
print("| --- | --- | --- | --- |")
for name, values in sections.items():
    print(f"| {name} | {q(values, .5)} | {q(values, .95)} | {sum(values) / len(values):.0f} |")
print()
print(f"integrity: {c.execute('pragma integrity_check').fetchone()[0]}")
