#!/usr/bin/env python3
"""Per-thread CPU of one process, sampled from /proc while a benchmark runs.

  threadcpu.py sample PID OUT.json   samples every 50 ms until SIGTERM/SIGINT, then writes OUT.json
  threadcpu.py table OUT.json...     prints a markdown table: CPU seconds per thread group (files
                                     summed; "threads" is then the most seen in one file)

Each interval's CPU delta is charged to the thread's name at that moment, so pool threads that
take the name of the task they run (gh-out-<session>, gh-in-<session>, ...) are charged to the task.
Names are grouped: session ids and pool numbers are folded to '*'.
"""
import json
import os
import re
import signal
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def snapshot(pid):
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat = f.read()
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                comm = f.read().strip()
        except (FileNotFoundError, ProcessLookupError):
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        out[tid] = (comm, int(fields[11]) + int(fields[12]))  # utime + stime
    return out


ROLES = {"out": "session output pump: child -> channel", "err": "session stderr pump",
         "in": "session input pump", "wait": "session waiter", "rec": "session recorder thread",
         "pump": "idle pump pool", "timer": "timers",
         "ssh": "the SSH channel group's poller: reads, decrypts, handles"}


def group(name):
    # Linux keeps 15 bytes of a thread name; per-session and pool suffixes are folded to '*'.
    m = re.match(r"gh-([a-z]+)-", name)
    if m:
        role = ROLES.get(m.group(1))
        return f"gh-{m.group(1)}-*" + (f" ({role})" if role else "")
    if name.startswith("sshd-"):
        return "sshd-* (MINA NIO2 workers)"
    return re.sub(r"\d+", "*", name)


def sample(pid, path):
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    prev = snapshot(pid)
    groups = {}
    threads = {}
    t0 = time.monotonic()
    while not stop:
        time.sleep(0.05)
        cur = snapshot(pid)
        for tid, (comm, ticks) in cur.items():
            before = prev.get(tid, (comm, ticks if tid in prev else 0))[1]
            d = ticks - before
            if d > 0:
                g = group(comm)
                groups[g] = groups.get(g, 0) + d
                threads.setdefault(g, set()).add(tid)
        prev = cur
    wall = time.monotonic() - t0
    with open(path, "w") as f:
        json.dump({"wall": wall, "groups": {g: [t / TICK, len(threads[g])] for g, t in groups.items()}}, f)


def table(*paths):
    """One table over one or more sample files (their CPU and wall time summed)."""
    data = {"wall": 0.0, "groups": {}}
    for path in paths:
        with open(path) as f:
            d = json.load(f)
        data["wall"] += d["wall"]
        for g, (cpu, n) in d["groups"].items():
            c0, n0 = data["groups"].get(g, (0.0, 0))
            data["groups"][g] = (c0 + cpu, max(n0, n))
    rows = sorted(data["groups"].items(), key=lambda kv: -kv[1][0])
    total = sum(v[0] for _, v in rows) or 1
    print("| thread group | CPU s | share | threads |")
    print("|---|---:|---:|---:|")
    for g, (cpu, n) in rows:
        if cpu < 0.01:
            continue
        print(f"| {g} | {cpu:.2f} | {100 * cpu / total:.0f}% | {n} |")
    print(f"| **total** (over {data['wall']:.1f} s wall) | {total:.2f} | | |")


if __name__ == "__main__":
    if sys.argv[1] == "sample":
        sample(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "table":
        table(*sys.argv[2:])
    else:
        sys.exit("usage: threadcpu.py sample PID OUT | table OUT")
