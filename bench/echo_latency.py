#!/usr/bin/env python3
"""Keystroke echo latency through ssh sessions, as a person at a terminal sees it.

  echo_latency.py [--n 300] [--gap-ms 10] OUTDIR NAME -- ssh -tt ... 'REMOTE' [--next NAME -- ssh ...]...

Each ssh command runs on a pseudo-terminal of its own (pty module; 50 rows x 200 columns, so ssh
puts the local terminal in raw mode as it does for a person). The remote command must start an
interactive shell whose prompt is PROMPT (bench/run passes
`PS1='ready> ' exec /bin/bash --norc --noprofile -i`). All sessions are opened first; then it
types N printable characters into each, round robin (one key to the first session, one to the
second, ...), so that other work on the machine falls on all of them alike. Each key is timed from
write() to the moment that character comes back in that session's output (readline's echo), then
it waits --gap-ms before the next key. Every 50 characters per session it presses Enter (untimed)
on a line that began with '#', and waits for the prompt. Writes OUTDIR/latency-NAME.json
({"samples_ms": [...], "median_ms", "p99_ms", ...}); exits 1 on a timeout.
"""
import fcntl
import json
import os
import pty
import select
import signal
import statistics
import struct
import sys
import termios
import time

PROMPT = b"ready> "
LINE = 50
TIMEOUT = 10.0
LETTERS = b"abcdefghijklmnopqrstuvwxyz"


class Session:
    def __init__(self, name, cmd):
        self.name, self.buf, self.samples, self.col = name, bytearray(), [], 0
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
            os.execvp(cmd[0], cmd)

    def read_until(self, pred, what):
        deadline = time.monotonic() + TIMEOUT
        while not pred():
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.name}: no {what} within {TIMEOUT} s; last output: {bytes(self.buf[-200:])!r}")
            if select.select([self.fd], [], [], left)[0]:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    raise EOFError(f"{self.name}: session ended while waiting for {what}; "
                                   f"last output: {bytes(self.buf[-300:])!r}")
                self.buf.extend(chunk)

    def drain(self):
        while select.select([self.fd], [], [], 0.05)[0]:
            self.buf.extend(os.read(self.fd, 65536))

    def key(self, i):
        if self.col == 0:
            os.write(self.fd, b"#")
            self.read_until(lambda: b"#" in self.buf[-8:], "echo of '#'")
        c = LETTERS[i % len(LETTERS):i % len(LETTERS) + 1]
        start = len(self.buf)
        t0 = time.perf_counter()
        os.write(self.fd, c)
        self.read_until(lambda: c in self.buf[start:], f"echo of {c!r}")
        self.samples.append((time.perf_counter() - t0) * 1000)
        self.col += 1

    def enter(self):
        prompts = self.buf.count(PROMPT)
        os.write(self.fd, b"\r")
        self.read_until(lambda: self.buf.count(PROMPT) > prompts, "prompt after Enter")
        self.col = 0

    def close(self):
        try:
            os.write(self.fd, b"exit\r")
            self.read_until(lambda: False, "end")
        except (EOFError, TimeoutError, OSError):
            pass
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        os.waitpid(self.pid, 0)


def main():
    args = sys.argv[1:]
    n, gap = 300, 10.0
    while args and args[0].startswith("--"):
        if args[0] == "--n":
            n = int(args[1]); args = args[2:]
        elif args[0] == "--gap-ms":
            gap = float(args[1]); args = args[2:]
        else:
            sys.exit(f"unknown option {args[0]}")
    outdir, rest = args[0], args[1:]
    specs = []
    while rest:
        name, sep = rest[0], rest[1]
        assert sep == "--", __doc__
        rest = rest[2:]
        cut = rest.index("--next") if "--next" in rest else len(rest)
        specs.append((name, rest[:cut]))
        rest = rest[cut + 1:]

    sessions = []
    try:
        for name, cmd in specs:
            s = Session(name, cmd)
            sessions.append(s)
            s.read_until(lambda: PROMPT in s.buf, "first prompt")
        time.sleep(0.2)
        for s in sessions:
            s.drain()
        for i in range(n):
            for s in sessions:
                s.key(i)
                time.sleep(gap / 1000)
                if s.col == LINE or i == n - 1:
                    s.enter()
    finally:
        for s in sessions:
            s.close()
    for s in sessions:
        x = sorted(s.samples)
        res = {"n": len(x), "gap_ms": gap, "interleaved_with": [o.name for o in sessions if o is not s],
               "median_ms": statistics.median(x), "p99_ms": x[max(0, -(-99 * len(x) // 100) - 1)],
               "min_ms": x[0], "max_ms": x[-1], "over_10ms": sum(1 for v in x if v > 10),
               "samples_ms": s.samples}
        with open(os.path.join(outdir, f"latency-{s.name}.json"), "w") as f:
            json.dump(res, f)
        print(f"{s.name}: n={res['n']} median={res['median_ms']:.2f} ms p99={res['p99_ms']:.2f} ms "
              f"max={res['max_ms']:.2f} ms, {res['over_10ms']} over 10 ms")


if __name__ == "__main__":
    try:
        main()
    except (TimeoutError, EOFError) as e:
        sys.exit(f"echo_latency: {e}")
