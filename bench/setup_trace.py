#!/usr/bin/env python3
"""Where the time of one `ssh ... true` goes, seen from the OpenSSH client.

    bench/setup_trace.py [--n 20] -- ssh -F none ... user@host true

Runs the command N times with `-v` added after `ssh`, stamps each line the client prints on stderr
(time since the process started, monotonic clock) and prints, per milestone, the median and the
range over the runs in milliseconds. The milestones are OpenSSH's own debug1 lines: TCP connected,
key exchange sent and done, authenticated, the command sent, the exit status received, the process
ended. The gateway's side (downstream login, recording) is in its debug log: set
-Dorg.slf4j.simpleLogger.log.dev.gatehouse.gateway.sshtarget=debug.
"""
import argparse
import statistics
import subprocess
import sys
import time

MILESTONES = [
    ("tcp connected", "Connection established"),
    ("server version read", "Remote protocol version"),
    ("kexinit sent", "SSH2_MSG_KEXINIT sent"),
    ("kex: algorithm", "kex: algorithm:"),
    ("newkeys received (kex done)", "SSH2_MSG_NEWKEYS received"),
    ("authenticated", "Authenticated to"),
    ("command sent", "Sending command:"),
    ("exit-status received", "rtype exit-status"),
    ("channel closed", "channel 0: free"),
]


def one(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seen = {}
    extra = []
    for raw in p.stderr:
        t = (time.monotonic() - t0) * 1000
        line = raw.decode(errors="replace").rstrip()
        for name, needle in MILESTONES:
            if name not in seen and needle in line:
                seen[name] = t
                if name == "kex: algorithm":
                    extra.append(line)
    rc = p.wait()
    seen["process ended"] = (time.monotonic() - t0) * 1000
    return rc, seen, extra


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    # -o LogLevel=ERROR (as bench/run passes it) would silence -v: drop that option.
    kept = []
    i = 0
    while i < len(cmd):
        if cmd[i] == "-o" and i + 1 < len(cmd) and cmd[i + 1].startswith("LogLevel="):
            i += 2
            continue
        kept.append(cmd[i])
        i += 1
    cmd = [kept[0], "-v"] + kept[1:]
    for _ in range(a.warmup):
        one(cmd)
    runs = []
    algos = set()
    for _ in range(a.n):
        rc, seen, extra = one(cmd)
        if rc != 0:
            print(f"exit {rc}", file=sys.stderr)
        runs.append(seen)
        algos.update(extra)
    names = [m[0] for m in MILESTONES] + ["process ended"]
    print(f"| client milestone (ms since start, n={a.n}) | median | min | max |")
    print("|---|---:|---:|---:|")
    for name in names:
        v = [r[name] for r in runs if name in r]
        if v:
            print(f"| {name} | {statistics.median(v):.1f} | {min(v):.1f} | {max(v):.1f} |")
    for line in sorted(algos):
        print(f"\n{line.split('debug1: ', 1)[-1]}")


if __name__ == "__main__":
    main()
