#!/usr/bin/env python3
"""One pgbench run for bench/postgres, with the CPU each process tree spent during it.

  pg_run.py OUT.json --label L --role NAME=PID ... -- pgbench ARGS...

Before and after the run it reads, for each role, the CPU ticks of the process tree rooted at PID
(utime+stime+cutime+cstime of every live process in the tree, so children that ended and were
reaped inside the tree still count), and the machine's busy and total ticks from /proc/stat. It
runs pgbench, keeps its output, parses tps ("without initial connection time"), latency, the
initial connection time and the transaction counts, and adds pgbench's own CPU (rusage of the
child). Writes everything as one JSON object; exits with pgbench's status.
"""
import json
import os
import re
import resource
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def children_map():
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        rest = s[s.rindex(")") + 2:].split()
        ppid = int(rest[1])
        ticks = int(rest[11]) + int(rest[12]) + int(rest[13]) + int(rest[14])
        kids.setdefault(ppid, []).append((int(d), ticks))
    return kids


def tree_ticks(root, kids):
    total = 0
    try:
        with open(f"/proc/{root}/stat") as f:
            s = f.read()
        rest = s[s.rindex(")") + 2:].split()
        total += int(rest[11]) + int(rest[12]) + int(rest[13]) + int(rest[14])
    except (FileNotFoundError, ProcessLookupError):
        return None
    stack = [root]
    while stack:
        p = stack.pop()
        for c, t in kids.get(p, []):
            total += t
            stack.append(c)
    return total


def machine():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)
    return busy, sum(v[:8])


def snapshot(roles):
    kids = children_map()
    out = {name: tree_ticks(pid, kids) for name, pid in roles.items()}
    out["_busy"], out["_total"] = machine()
    return out


def parse(text):
    r = {}
    for key, pat in [("tps", r"^tps = ([\d.]+) \(without initial connection time\)"),
                     ("latency_ms", r"^latency average = ([\d.]+) ms"),
                     ("conn_ms", r"^initial connection time = ([\d.]+) ms"),
                     ("xacts", r"^number of transactions actually processed: (\d+)"),
                     ("failed", r"^number of failed transactions: (\d+)")]:
        m = re.search(pat, text, re.M)
        if m:
            r[key] = float(m.group(1))
    return r


def main():
    argv = sys.argv[1:]
    out = argv.pop(0)
    cut = argv.index("--")
    opts, cmd = argv[:cut], argv[cut + 1:]
    label, roles = None, {}
    i = 0
    while i < len(opts):
        if opts[i] == "--label":
            label = opts[i + 1]
        elif opts[i] == "--role":
            name, pid = opts[i + 1].split("=", 1)
            roles[name] = int(pid)
        i += 2
    before = snapshot(roles)
    t0 = time.monotonic()
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    p = subprocess.run(cmd, capture_output=True, text=True)
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.monotonic() - t0
    time.sleep(0.2)  # let the servers' backends for this run end and be reaped
    after = snapshot(roles)
    cpu = {}
    for k in roles:
        if before.get(k) is not None and after.get(k) is not None:
            cpu[k] = (after[k] - before[k]) / TICK
    cpu["pgbench"] = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    total = after["_total"] - before["_total"]
    rec = {"label": label, "cmd": cmd, "rc": p.returncode, "wall_s": wall,
           "machine_busy_pct": 100.0 * (after["_busy"] - before["_busy"]) / total if total else None,
           "machine_cpu_s": (after["_busy"] - before["_busy"]) / TICK,
           "cpu_s": cpu, "stdout": p.stdout, "stderr": p.stderr[-4000:]}
    rec.update(parse(p.stdout))
    # Clients pgbench gave up on (connection lost, an error): "client 17 aborted in command 1 ...".
    rec["aborted"] = len(re.findall(r"^pgbench: error: client \d+ aborted|^client \d+ aborted", p.stderr, re.M))
    with open(out, "w") as f:
        json.dump(rec, f, indent=1)
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
