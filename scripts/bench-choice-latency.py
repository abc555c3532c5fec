#!/usr/bin/env python3
r"""How long a reader waits after pressing Enter until the next options and prompt are on screen.

A telnet client (raw socket) makes a reader on a running `fable serve`, starts the world of the
story `tiny` and makes choices a second apart (as a reader reads), timing each from the line
sent to the prompt after the options. Against the stub model (`fable stub`), which answers at
once, this is what Fable itself adds to a turn. docs/benchmarks.md has the figures.

    mkdir -p /tmp/choice/stories
    printf -- '---\ntitle: The Tiny Test\ngenre: test\n---\nYou stand in a small room with one door.\n' \
        > /tmp/choice/stories/tiny.md
    .build/release/fable stub --port 8452 &
    scripts/embeddings start
    FABLE_LLM_URL=http://127.0.0.1:8452/v1 .build/release/fable serve --port 4552 --http-port off \
        --db /tmp/choice/c.sqlite --stories /tmp/choice/stories &
    python3 scripts/bench-choice-latency.py 4552 30 reader1            # choosing options
    python3 scripts/bench-choice-latency.py 4552 30 reader2 --words    # the reader's own words
"""
import socket
import sys
import time

IAC, SB, SE = 255, 250, 240


def screen_text(data):
    """The bytes without telnet commands and subnegotiations."""
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == IAC and i + 1 < len(data):
            if data[i + 1] in (251, 252, 253, 254):
                i += 3
                continue
            if data[i + 1] == SB:
                end = data.find(bytes([IAC, SE]), i)
                i = end + 2 if end >= 0 else len(data)
                continue
            i += 2
            continue
        out.append(data[i])
        i += 1
    return bytes(out)


class Reader:
    def __init__(self, port):
        self.socket = socket.create_connection(("127.0.0.1", port))
        self.socket.settimeout(120)
        self.pending = b""

    def want(self, text):
        while text.encode() not in screen_text(self.pending):
            chunk = self.socket.recv(65536)
            if not chunk:
                raise SystemExit("the server closed: " + screen_text(self.pending)[-300:].decode(errors="replace"))
            self.pending += chunk
        self.pending = b""

    def send(self, line):
        self.socket.sendall(line.encode() + b"\r\n")


def main():
    port, steps, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    words = "--words" in sys.argv
    reader = Reader(port)
    reader.want("Name: ")
    reader.send("create %s pass-%s-1" % (name, name))
    reader.want("> ")
    reader.send("new tiny")
    reader.want("> ")
    times = []
    for i in range(steps):
        time.sleep(1.0)
        started = time.perf_counter()
        reader.send("Ask the bell ringer about door number %d" % i if words else str(i % 3 + 1))
        reader.want("\n> ")
        times.append((time.perf_counter() - started) * 1000)
    reader.send("quit")
    times.sort()
    print("%s: %d %s, Enter -> options and prompt: p50 %.1f p90 %.1f max %.1f ms"
          % (name, len(times), "lines of the reader's own words" if words else "choices",
             times[len(times) // 2], times[int(len(times) * 0.9)], times[-1]))


if __name__ == "__main__":
    main()
