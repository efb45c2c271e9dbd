#!/usr/bin/env python3
"""Where a JVM spent its time during bench/postgres, from a JFR recording, as markdown.

  pg_jfr.py REC.jfr [OUT.json]

Uses the JDK's `jfr print`. Three tables:
  1. components: share of Java execution samples (threads running Java code) with a frame of
     each component anywhere on the stack (inclusive; one sample can count for several);
  2. top frames: the top frame of the samples (where the CPU was, exclusive);
  3. blocking: jdk.FileForce (fsync/fdatasync; the bench's settings record every one, threshold
     0) count and total time, and the top frames of native-method samples (threads in native
     code: socket reads, fsync...).
"""
import collections
import re
import subprocess
import sys

COMPONENTS = [
    ("JSqlParser (net.sf.jsqlparser, any caller)", r"^net\.sf\.jsqlparser"),
    ("audit log append (dev.gatehouse.recorder.AuditLog.append)", r"dev\.gatehouse\.recorder\.AuditLog\.append"),
    ("recording marker (dev.gatehouse.recorder.*Writer / recording.marker)", r"dev\.gatehouse\.recorder\.(?!AuditLog)"),
    ("statement classification (SqlJudge.judge)", r"dev\.gatehouse\.policy\.SqlJudge\.judge"),
    ("operator rules (Rule.matches: RE2/J patterns on the statement text)", r"dev\.gatehouse\.policy\.Rule\.matches"),
    ("content detectors (ContentDetectors.mask)", r"dev\.gatehouse\.policy\.ContentDetectors"),
    ("result masking (ServerToClient.maskRow)", r"ServerToClient\.maskRow"),
    ("proxy client->server (PgProxySession)", r"dev\.gatehouse\.gateway\.postgres\.PgProxySession"),
    ("proxy server->client (ServerToClient)", r"dev\.gatehouse\.gateway\.postgres\.ServerToClient"),
    ("SSH transport and channels (org.apache.sshd)", r"org\.apache\.sshd"),
    ("crypto (javax.crypto, sun.security, com.sun.crypto, bouncycastle)", r"^(javax\.crypto|sun\.security|com\.sun\.crypto|org\.bouncycastle)"),
    ("JSON (com.fasterxml.jackson)", r"com\.fasterxml\.jackson"),
    ("socket I/O (sun.nio.ch)", r"sun\.nio\.ch"),
]


def events(rec, kind, depth):
    text = subprocess.run(["jfr", "print", "--events", kind, "--stack-depth", str(depth), rec],
                          capture_output=True, text=True, check=True).stdout
    for ev in re.split(r"^" + re.escape(kind) + r" \{", text, flags=re.M)[1:]:
        frames = re.findall(r"^\s+([\w.$<>]+)\(.*?\)\s+line:", ev, re.M)
        thread = re.search(r'(?:sampledThread|eventThread) = "([^"]*)"', ev)
        dur = re.search(r"^\s+duration = ([\d.]+) (ns|us|ms|s)\b", ev, re.M)
        yield frames, thread.group(1) if thread else "?", dur


def ms(d):
    if not d:
        return 0.0
    v, u = float(d.group(1)), d.group(2)
    return v * {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1000.0}[u]


def tgroup(name):
    return re.sub(r"\d+", "*", re.sub(r"\[.*?\]", "", name))


def main():
    rec = sys.argv[1]
    samples = list(events(rec, "jdk.ExecutionSample", 64))
    n = len(samples) or 1
    starts = subprocess.run(["jfr", "summary", rec], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^\s*jdk\.ThreadStart\s+(\d+)", starts, re.M)
    thread_starts = int(m.group(1)) if m else 0
    print(f"Java execution samples: {len(samples)} (JFR keeps 64 frames of a stack: a deep parse can hide "
          f"its caller, so the caller rows are lower bounds). Threads started during the recording: "
          f"**{thread_starts:,}**.\n")
    print("| component (on the stack) | share of samples |")
    print("|---|---:|")
    shares = {}
    for label, pat in COMPONENTS:
        rx = re.compile(pat)
        c = sum(1 for frames, _, _ in samples if any(rx.search(f) for f in frames))
        shares[label] = c / n
        print(f"| {label} | {100 * c / n:.0f}% |")
    print()
    top = collections.Counter(frames[0] if frames else "?" for frames, _, _ in samples)
    print("| top frame (exclusive) | share |")
    print("|---|---:|")
    for f, c in top.most_common(10):
        print(f"| `{f}` | {100 * c / n:.1f}% |")
    print()
    threads = collections.Counter(tgroup(t) for _, t, _ in samples)
    print("| thread (Java samples) | share |")
    print("|---|---:|")
    for t, c in threads.most_common(6):
        print(f"| `{t}` | {100 * c / n:.0f}% |")
    thread_shares = {t: c / n for t, c in threads.items()}
    print()
    forces = list(events(rec, "jdk.FileForce", 8))
    total = sum(ms(d) for _, _, d in forces)
    by = collections.Counter()
    for _, t, d in forces:
        by[tgroup(t)] += ms(d)
    print(f"File forces (fsync/fdatasync, jdk.FileForce): **{len(forces)}** calls, "
          f"**{total / 1000:.2f} s** in total"
          + (f", {total / len(forces):.3f} ms each on average" if forces else "")
          + (" (by thread: " + ", ".join(f"`{t}` {v / 1000:.2f} s" for t, v in by.most_common(4)) + ")" if by else "")
          + ".\n")
    if len(sys.argv) > 2:
        import json
        with open(sys.argv[2], "w") as f:
            json.dump({"samples": len(samples), "forces": len(forces), "force_ms": total,
                       "thread_starts": thread_starts, "components": shares, "threads": thread_shares}, f)
    idle = re.compile(r"implAccept|EPollPort\$EventHandlerTask\.poll|EPoll\.wait|RequestHook|Object\.wait|parkNanos")
    natives = [f for f, _, _ in events(rec, "jdk.NativeMethodSample", 3) if f and not idle.search(f[0])]
    if natives:
        nn = len(natives)
        top = collections.Counter(frames[0] for frames in natives)
        print(f"| native top frame ({nn} native-method samples of busy threads, idle accept/poll waits left out) | share |")
        print("|---|---:|")
        for f, c in top.most_common(6):
            print(f"| `{f}` | {100 * c / nn:.0f}% |")
        print()

if __name__ == "__main__":
    main()
