#!/usr/bin/env python3
"""Top frames of a JFR recording's Java execution samples, as a markdown table.

  jfrtop.py REC.jfr [N]

Reads `jfr print --events jdk.ExecutionSample --stack-depth 1` (the JDK's own jfr tool) and counts
the top frame of every sample: where the JVM's threads were running Java code.
"""
import collections
import re
import subprocess
import sys

rec = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 8
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "1", rec],
                      capture_output=True, text=True, check=True).stdout
frames = collections.Counter()
threads = collections.Counter()
for ev in text.split("jdk.ExecutionSample")[1:]:
    m = re.search(r'^\s+([\w.$<>]+)\(.*?\)\s+line:', ev, re.M)
    frames[m.group(1) if m else "?"] += 1
    t = re.search(r'sampledThread = "([^"]*)"', ev)
    t = t.group(1) if t else "?"
    threads[re.sub(r"-\d+$", "-*", re.sub(r"\[\w+\]\(port=\d+\)", "", t))] += 1
total = sum(frames.values()) or 1
print(f"| top frame ({total} Java samples) | share |")
print("|---|---:|")
for f, c in frames.most_common(n):
    print(f"| `{f}` | {100 * c / total:.0f}% |")
