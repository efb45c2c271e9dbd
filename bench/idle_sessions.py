#!/usr/bin/env python3
"""Opens N idle interactive sessions, measures the server, closes them all.

  idle_sessions.py --n 1000 --batch 10 --timeout 120 --kind jvm|sshd --pid PID OUT.json -- ssh -tt ... 'REMOTE'

Each session is one `ssh -tt` client (stdin/stdout pipes; -tt makes the server allocate a PTY)
whose remote command starts an interactive shell with prompt PROMPT. Sessions are opened BATCH at
a time and each batch waits for all its prompts before the next, so that at most BATCH connections
are unauthenticated at once (Gatehouse's ssh.maxConnectionsPerAddress, sshd's MaxStartups). A batch
whose prompts do not all come within TIMEOUT seconds (default 120: a busy machine makes logins slow)
fails the run.

Each client holds three pipes here, so N sessions need about 3 N descriptors: the soft limit of
open files is raised to the hard one at start, and a hard limit below what N needs fails at once
(raise it with `ulimit -Hn` before the run) instead of failing half way.

Measured before opening, with all N open and idle (after SETTLE seconds), and after closing:
  kind jvm:  the JVM PID's VmRSS and Threads (/proc/PID/status), its open descriptors, and heap used/committed from
             `jcmd PID GC.heap_info` right after `jcmd PID GC.run` (live heap, not garbage).
  kind sshd: the sum of VmRSS and of Pss (/proc/P/smaps_rollup) over the processes descending from
             the listener PID, split into sshd processes (per-session monitor and child) and the
             rest (the shells), plus their thread count.
  both:      CPU the server spent while all N sat idle (IDLE_CPU seconds, utime+stime from
             /proc/P/stat; for sshd summed over its descendants), as a share of one CPU.
Writes all of it to OUT.json; exits 1 if any session failed to open.
"""
import json
import os
import re
import resource
import selectors
import signal
import subprocess
import sys
import time

PROMPT = b"ready> "
SETTLE = 3.0
IDLE_CPU = 10.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


def status(pid):
    d = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            d[k] = v.strip()
    return d


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return 0


def descendants(root):
    children = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                s = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        ppid = int(s[s.rindex(")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(p))
    out, todo = [], [root]
    while todo:
        for c in children.get(todo.pop(), []):
            out.append(c)
            todo.append(c)
    return out


def thread_groups(pid):
    groups = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
        except (FileNotFoundError, ProcessLookupError):
            continue
        # Session ids and pool numbers folded: gh-out-3f2a... -> gh-out-*, sshd-SshClient[1 -> sshd-SshClient[*
        g = re.sub(r"^(gh-[a-z]+-).*", r"\1*", name)
        g = re.sub(r"\d+", "*", g)
        groups[g] = groups.get(g, 0) + 1
    return dict(sorted(groups.items(), key=lambda kv: -kv[1]))


def cpu_ticks(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                s = f.read()
        except (FileNotFoundError, ProcessLookupError):
            continue
        fields = s[s.rindex(")") + 2:].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total


def idle_cpu_pct(pid, kind):
    """Share of one CPU the server used over IDLE_CPU seconds with every session idle."""
    pids = lambda: [pid] if kind == "jvm" else [pid] + descendants(pid)
    c0 = cpu_ticks(pids())
    time.sleep(IDLE_CPU)
    return 100.0 * (cpu_ticks(pids()) - c0) / CLK_TCK / IDLE_CPU


def histogram(pid, top=12):
    """Top classes by live bytes (jcmd GC.class_histogram forces a full GC first)."""
    out = subprocess.run(["jcmd", str(pid), "GC.class_histogram"], capture_output=True, text=True,
                         timeout=120).stdout
    rows = []
    for line in out.splitlines():
        m = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if m:
            rows.append((int(m.group(2)), int(m.group(1)), m.group(3)))
    rows.sort(reverse=True)
    return [{"bytes": b, "instances": n, "class": c} for b, n, c in rows[:top]]


def open_fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return 0


def measure_jvm(pid, detail=False):
    st = status(pid)
    groups = thread_groups(pid)
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, check=True, timeout=60)
    info = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, check=True,
                          timeout=60).stdout
    m = re.search(r"total (\d+)K, used (\d+)K", info)
    return {"rss_kb": int(st["VmRSS"].split()[0]), "threads": int(st["Threads"]), "fds": open_fds(pid),
            "heap_used_kb": int(m.group(2)) if m else None, "heap_committed_kb": int(m.group(1)) if m else None,
            "heap_info": info.strip().splitlines()[1:3], "thread_groups": groups,
            **({"histogram": histogram(pid)} if detail else {})}


def measure_sshd(pid, detail=False):
    res = {"sshd_rss_kb": 0, "sshd_pss_kb": 0, "sshd_procs": 0, "other_rss_kb": 0, "other_pss_kb": 0,
           "other_procs": 0, "threads": 0}
    for p in descendants(pid):
        try:
            st = status(p)
        except (FileNotFoundError, ProcessLookupError):
            continue
        rss = int(st.get("VmRSS", "0 kB").split()[0])
        kind = "sshd" if st["Name"] == "sshd" else "other"
        res[f"{kind}_rss_kb"] += rss
        res[f"{kind}_pss_kb"] += pss_kb(p)
        res[f"{kind}_procs"] += 1
        res["threads"] += int(st["Threads"])
    return res


def raise_open_files(n):
    """Soft RLIMIT_NOFILE up to the hard limit; exits when even that is too small for N clients."""
    need = 3 * n + 64
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < need:
        sys.exit(f"idle_sessions: {n} sessions need about {need} open files here, the hard limit is {hard} "
                 f"(raise it: ulimit -Hn {need})")
    if soft != resource.RLIM_INFINITY and soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main():
    args = sys.argv[1:]
    opts = {"--n": 500, "--batch": 10, "--timeout": 120, "--kind": "jvm", "--pid": None}
    while args[0].startswith("--"):
        opts[args[0]] = args[1]
        args = args[2:]
    n, batch, kind, pid = int(opts["--n"]), int(opts["--batch"]), opts["--kind"], int(opts["--pid"])
    timeout = float(opts["--timeout"])
    raise_open_files(n)
    out, sep, cmd = args[0], args[1], args[2:]
    assert sep == "--" and cmd
    measure = measure_jvm if kind == "jvm" else measure_sshd

    result = {"n": n, "batch": batch, "kind": kind, "timeout": timeout}
    result["before"] = measure(pid)
    procs = []
    sel = selectors.DefaultSelector()
    t0 = time.monotonic()
    failed = None
    try:
        for b in range(0, n, batch):
            pending = {}
            for _ in range(min(batch, n - b)):
                p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                os.set_blocking(p.stdout.fileno(), False)
                procs.append(p)
                pending[p.stdout.fileno()] = (p, bytearray())
                sel.register(p.stdout, selectors.EVENT_READ, p.stdout.fileno())
            deadline = time.monotonic() + timeout
            while pending and time.monotonic() < deadline:
                for key, _ in sel.select(timeout=1):
                    fd = key.data
                    p, buf = pending[fd]
                    chunk = os.read(fd, 65536)
                    buf.extend(chunk)
                    if PROMPT in buf or not chunk:
                        sel.unregister(key.fileobj)
                        del pending[fd]
                        if not chunk:
                            failed = f"session {len(procs)} ended before its prompt: {bytes(buf[-200:])!r} " \
                                     f"{p.stderr.read(500)!r}"
            if pending:
                failed = failed or f"{len(pending)} sessions of batch {b // batch} gave no prompt within {timeout:.0f} s"
            if failed:
                raise RuntimeError(failed)
        result["open_seconds"] = time.monotonic() - t0
        time.sleep(SETTLE)
        alive = sum(1 for p in procs if p.poll() is None)
        result["alive"] = alive
        result["idle_cpu_pct"] = idle_cpu_pct(pid, kind)
        result["with"] = measure(pid, detail=True)
        print(f"{kind}: {alive} of {n} sessions open in {result['open_seconds']:.1f} s", file=sys.stderr)
    except RuntimeError as e:
        result["error"] = str(e)
        print(f"idle_sessions: {e}", file=sys.stderr)
        # Measure what was reached: how many were open when it failed, and the server then.
        result["open_seconds"] = time.monotonic() - t0
        result["alive"] = sum(1 for p in procs if p.poll() is None)
        try:
            result["with"] = measure(pid, detail=True)
        except Exception as e2:  # the server may be gone
            result["with_error"] = str(e2)
    finally:
        t1 = time.monotonic()
        for p in procs:
            try:
                p.stdin.write(b"exit\n")
                p.stdin.close()
            except (BrokenPipeError, OSError):
                pass
        deadline = time.monotonic() + max(30.0, 0.1 * len(procs))
        for p in procs:
            try:
                p.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        result["close_seconds"] = time.monotonic() - t1
        time.sleep(SETTLE)
        try:
            result["after"] = measure(pid)
        except Exception as e2:
            result["after_error"] = str(e2)
    with open(out, "w") as f:
        json.dump(result, f, indent=1)
    sys.exit(1 if "error" in result or result.get("alive") != n else 0)


if __name__ == "__main__":
    main()
